package valkey_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/domain"
)

// pokes counts a watcher's pokes on a channel.
func pokes() (chan struct{}, func()) {
	ch := make(chan struct{}, 64)
	return ch, func() { ch <- struct{}{} }
}

func waitPoke(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("no poke within 5s after %s", what)
	}
}

func TestFeedPokesTheWatchersOfAJobAtEachProgressWrite(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	feed := valkey.NewFeed(f.rdb, f.cfg, f.log)
	t.Cleanup(func() { _ = feed.Stop() })

	f.gen.on("held", func(ctx context.Context, _ int) error { <-ctx.Done(); return ctx.Err() })
	id, other := f.submit("held"), f.submit("other")
	mine, poke := pokes()
	stop := feed.Watch(id, poke)
	theirs, pokeOther := pokes()
	defer feed.Watch(other, pokeOther)()
	f.gen.on("other", func(ctx context.Context, _ int) error { <-ctx.Done(); return ctx.Err() })
	f.consumer()
	f.waitReported(id)
	f.waitReported(other)
	time.Sleep(50 * time.Millisecond)
	for _, ch := range []chan struct{}{mine, theirs} { // the claims and the worker's own reports
		for len(ch) > 0 {
			<-ch
		}
	}

	ctx := context.Background()
	token, err := valkey.LeaseToken(ctx, f.rdb, f.cfg.QueueName, id)
	if err != nil || token == "" {
		t.Fatalf("LeaseToken(running job) = %q, %v; want its token", token, err)
	}
	written, err := valkey.WriteProgress(ctx, f.rdb, f.cfg.QueueName, id, token, 50)
	if err != nil || !written {
		t.Fatalf("WriteProgress(50) = %v, %v; want written", written, err)
	}
	waitPoke(t, mine, "progress 50")
	if st, err := f.queue.Status(ctx, id); err != nil || st.Status.Progress() != 50 {
		t.Errorf("status after WriteProgress(50) = %+v, %v; want progress 50", st, err)
	}
	if written, err := valkey.WriteProgress(ctx, f.rdb, f.cfg.QueueName, id, token, 40); err != nil || written {
		t.Errorf("WriteProgress(40) after 50 = %v, %v; want ignored", written, err)
	}
	if written, err := valkey.WriteProgress(ctx, f.rdb, f.cfg.QueueName, id, "not-the-lease", 60); err != nil || written {
		t.Errorf("WriteProgress with another token = %v, %v; want ignored", written, err)
	}
	if feed.Watching() != 2 {
		t.Errorf("Watching() = %d, want 2", feed.Watching())
	}

	stop()
	stop() // a second stop is harmless
	if _, err := f.queue.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := valkey.LeaseToken(ctx, f.rdb, f.cfg.QueueName, id); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("LeaseToken(cancelled job) error = %v, want ErrNotFound", err)
	}
	if _, err := f.queue.Cancel(ctx, other); err != nil {
		t.Fatal(err)
	}
	waitPoke(t, theirs, "the other job was cancelled") // announcements still flow...
	select {
	case <-mine: // ...but not to a stopped watch
		t.Error("a stopped watch was poked")
	case <-time.After(100 * time.Millisecond):
	}
	if feed.Watching() != 1 {
		t.Errorf("Watching() after one stop = %d, want 1", feed.Watching())
	}
}

// subscribers is how many connections are subscribed to cfg's events channel.
func subscribers(t *testing.T, f *fixture) int64 {
	t.Helper()
	n, err := f.rdb.PubSubNumSub(context.Background(), valkey.EventsChannel(f.cfg)).Result()
	if err != nil {
		t.Fatalf("PUBSUB NUMSUB error = %v", err)
	}
	return n[valkey.EventsChannel(f.cfg)]
}

func waitSubscribers(t *testing.T, f *fixture, want int64, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for subscribers(t, f) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d subscribers to the events channel, want %d", what, subscribers(t, f), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFeedSubscribesOnlyWhileSomebodyWatches(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	feed := valkey.NewFeed(f.rdb, f.cfg, f.log)
	feed.SetLinger(100 * time.Millisecond)
	t.Cleanup(func() { _ = feed.Stop() })
	ctx := context.Background()

	id := f.submit("watched")
	if feed.Subscribed() || subscribers(t, f) != 0 {
		t.Fatalf("before any watch: Subscribed() = %v with %d subscribers; want none", feed.Subscribed(), subscribers(t, f))
	}
	mine, poke := pokes()
	stop := feed.Watch(id, poke)
	// The confirmation pokes the watcher: what changed before it is read again then.
	waitPoke(t, mine, "the subscription was confirmed")
	waitSubscribers(t, f, 1, "while watched")
	if _, err := f.queue.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	waitPoke(t, mine, "the watched job was cancelled")

	// A second stream of the same api shares the subscription.
	other := f.submit("other")
	theirs, pokeOther := pokes()
	stopOther := feed.Watch(other, pokeOther)
	stop()
	stopOther()
	waitSubscribers(t, f, 0, "after the last watch ended and the linger passed")
	if feed.Subscribed() {
		t.Error("Subscribed() = true after the linger")
	}
	for len(theirs) > 0 {
		<-theirs
	}

	// Watching again subscribes again.
	again, pokeAgain := pokes()
	stopAgain := feed.Watch(other, pokeAgain)
	waitPoke(t, again, "the new subscription was confirmed")
	if _, err := f.queue.Cancel(ctx, other); err != nil {
		t.Fatal(err)
	}
	waitPoke(t, again, "the watched job was cancelled after resubscribing")
	if len(theirs) > 0 {
		t.Error("a watch that had ended was poked")
	}
	stopAgain()
	if !feed.Subscribed() {
		t.Error("Subscribed() = false right after the last watch ended, want true until the linger passes")
	}

	// After Stop, nothing subscribes any more.
	if err := feed.Stop(); err != nil {
		t.Errorf("Stop error = %v", err)
	}
	waitSubscribers(t, f, 0, "after Stop")
	defer feed.Watch(id, func() {})()
	if feed.Subscribed() {
		t.Error("a watch after Stop subscribed")
	}
}
