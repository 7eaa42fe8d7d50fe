package valkey

// Freeze stops the consumer's claims, heartbeats and sweeps without touching its running
// jobs, as a killed process would: their leases run out and other workers take them up.
func (c *Consumer) Freeze() {
	c.stopClaimingJobs()
	c.stopBackgroundLoops()
}
