package valkey

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// Feed is the api's one subscription to the queue's events channel, fanned out in memory
// to every watcher of a job: however many streams are open, the process holds one Valkey
// connection for them. It implements application.ChangeFeed.
type Feed struct {
	rdb     redis.UniversalClient
	channel string
	log     *zap.Logger

	mu       sync.Mutex
	watchers map[domain.JobID]map[*watcher]struct{}
	pubsub   *redis.PubSub
	done     chan struct{}
}

// watcher is one follower of a job; its poke must return at once.
type watcher struct{ poke func() }

// NewFeed builds the feed of the queue named by QUEUE_NAME; Start subscribes.
func NewFeed(rdb redis.UniversalClient, cfg config.Config, log *zap.Logger) *Feed {
	return &Feed{
		rdb: rdb, channel: newKeys(cfg.QueueName).eventsChannel(), log: log.Named("feed"),
		watchers: make(map[domain.JobID]map[*watcher]struct{}),
	}
}

// Start subscribes and dispatches announcements until Stop. go-redis resubscribes by
// itself after a lost connection; each (re)subscription pokes every watcher, whose
// stream then reads its job again, so an announcement lost meanwhile is made good.
func (f *Feed) Start() {
	f.pubsub = f.rdb.Subscribe(context.Background(), f.channel)
	f.done = make(chan struct{})
	ch := f.pubsub.ChannelWithSubscriptions(redis.WithChannelSize(1024))
	go func() {
		defer close(f.done)
		for msg := range ch {
			switch m := msg.(type) {
			case *redis.Message:
				f.dispatch(domain.JobID(m.Payload))
			case *redis.Subscription:
				if m.Kind == "subscribe" {
					f.pokeAll()
				}
			}
		}
	}()
}

// Stop closes the subscription and waits for the dispatcher.
func (f *Feed) Stop() error {
	if f.pubsub == nil {
		return nil
	}
	err := f.pubsub.Close()
	<-f.done
	return err
}

// Watch follows id; see application.ChangeFeed.
func (f *Feed) Watch(id domain.JobID, poke func()) func() {
	w := &watcher{poke: poke}
	f.mu.Lock()
	set := f.watchers[id]
	if set == nil {
		set = make(map[*watcher]struct{}, 1)
		f.watchers[id] = set
	}
	set[w] = struct{}{}
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if set := f.watchers[id]; set != nil {
			delete(set, w)
			if len(set) == 0 {
				delete(f.watchers, id)
			}
		}
	}
}

// Watching says how many streams follow a job now.
func (f *Feed) Watching() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, set := range f.watchers {
		n += len(set)
	}
	return n
}

func (f *Feed) dispatch(id domain.JobID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for w := range f.watchers[id] {
		w.poke()
	}
}

func (f *Feed) pokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, set := range f.watchers {
		for w := range set {
			w.poke()
		}
	}
}
