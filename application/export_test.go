package application

// SetRandom replaces the processor's source of jitter.
func SetRandom(p *Processor, random func() float64) { p.random = random }
