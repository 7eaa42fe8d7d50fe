package valkey_test

import (
	"context"
	"testing"
	"time"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/adapters/valkey/valkeytest"
	"github.com/naengbu/recipe-ai/domain"
)

func poked(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("no poke after %s", what)
	}
}

func quiet(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("poked after %s, want nothing", what)
	case <-time.After(200 * time.Millisecond):
	}
}

// Every change a worker makes reaches the watchers of that job through one subscription,
// however many streams are open.
func TestFeedAnnouncesEachChangeToItsJobsWatchers(t *testing.T) {
	f := newFixture(t, valkeytest.Shared(t), nil)
	feed := valkey.NewFeed(f.rdb, f.cfg, f.log)
	feed.Start()
	t.Cleanup(func() { _ = feed.Stop() })

	release := make(chan struct{})
	f.gen.on("watched", func(ctx context.Context, _ int) error {
		<-release
		return nil
	})
	id := f.submit("watched")
	other := f.submit("other")
	changes, stop := feed.Watch(id)
	defer stop()
	_, stopOther := feed.Watch(other)
	for range 200 { // many streams of one job
		_, s := feed.Watch(id)
		defer s()
	}
	waitSubscribed(t, f, 1)

	f.consumer()
	poked(t, changes, "the claim")
	f.waitReported(id)
	close(release)
	f.waitState(id, domain.StateCompleted)
	poked(t, changes, "the completion")

	stopOther()
	if n := f.rdb.PubSubNumSub(context.Background(), "recipe:{"+f.cfg.QueueName+"}:events").Val(); n["recipe:{"+f.cfg.QueueName+"}:events"] != 1 {
		t.Errorf("subscribers of the events channel = %v, want 1 for all streams", n)
	}
	if got := feed.Watching(); got != 201 {
		t.Errorf("Watching() = %d, want 201", got)
	}
}

// After the subscription reconnects (announcements may have been lost meanwhile), every
// watcher is poked so that its stream reads its job again.
func TestFeedPokesEveryWatcherAfterAReconnect(t *testing.T) {
	srv := valkeytest.Start(t, false)
	f := newFixture(t, srv, nil)
	feed := valkey.NewFeed(f.rdb, f.cfg, f.log)
	feed.Start()
	t.Cleanup(func() { _ = feed.Stop() })
	changes, stop := feed.Watch(domain.NewJobID())
	defer stop()
	poked(t, changes, "the first subscription")
	quiet(t, changes, "nothing happened")

	srv.Stop()
	time.Sleep(300 * time.Millisecond)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	poked(t, changes, "the reconnect")
}

func waitSubscribed(t *testing.T, f *fixture, want int64) {
	t.Helper()
	channel := "recipe:{" + f.cfg.QueueName + "}:events"
	deadline := time.Now().Add(5 * time.Second)
	for f.rdb.PubSubNumSub(context.Background(), channel).Val()[channel] < want {
		if time.Now().After(deadline) {
			t.Fatal("the feed never subscribed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
