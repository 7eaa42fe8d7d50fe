package valkey

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// Feed is the api's subscription to the queue's events channel, fanned out in memory to
// every watcher of a job: however many streams are open, the process holds one Valkey
// connection for them. It subscribes only while somebody watches (and for feedLinger
// after the last one left), so an api replica that streams nothing is not sent every
// job's announcements. It implements application.ChangeFeed.
type Feed struct {
	rdb     redis.UniversalClient
	channel string
	log     *zap.Logger
	linger  time.Duration

	mu       sync.Mutex
	watchers map[domain.JobID]map[*watcher]struct{}
	sub      *subscription // nil while nobody watches
	idle     *time.Timer   // ends sub once it has had no watcher for linger
	stopped  bool
}

// feedLinger is how long the feed stays subscribed after its last watcher left, so that
// streams opened one after another share one subscription.
const feedLinger = 10 * time.Second

// subscription is one subscription to the events channel and its dispatcher.
type subscription struct {
	pubsub *redis.PubSub
	done   chan struct{} // closed when the dispatcher has returned
}

// watcher is one follower of a job; its poke must return at once.
type watcher struct{ poke func() }

// NewFeed builds the feed of the queue named by QUEUE_NAME. It holds no connection until
// the first Watch.
func NewFeed(rdb redis.UniversalClient, cfg config.Config, log *zap.Logger) *Feed {
	return &Feed{
		rdb: rdb, channel: newKeys(cfg.QueueName).eventsChannel(), log: log.Named("feed"),
		linger: feedLinger, watchers: make(map[domain.JobID]map[*watcher]struct{}),
	}
}

// Stop ends the subscription, if any, and waits for its dispatcher; later watches are
// never poked.
func (f *Feed) Stop() error {
	f.mu.Lock()
	f.stopped = true
	s := f.detach()
	f.mu.Unlock()
	return s.close()
}

// Watch follows id, subscribing first if nobody watched; see application.ChangeFeed. A
// watch that starts the subscription is poked once the subscription is confirmed, as
// every watcher is after a reconnection: what changed before is read again then.
func (f *Feed) Watch(id domain.JobID, poke func()) func() {
	w := &watcher{poke: poke}
	f.mu.Lock()
	set := f.watchers[id]
	if set == nil {
		set = make(map[*watcher]struct{}, 1)
		f.watchers[id] = set
	}
	set[w] = struct{}{}
	if f.idle != nil {
		f.idle.Stop()
		f.idle = nil
	}
	if f.sub == nil && !f.stopped {
		f.sub = f.subscribe()
	}
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
		if len(f.watchers) == 0 && f.sub != nil && f.idle == nil {
			f.idle = time.AfterFunc(f.linger, f.endIfIdle)
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

// subscribe starts a subscription and its dispatcher; f.mu is held. The SUBSCRIBE is
// sent by the dispatcher, so a Valkey that does not answer holds up no Watch. go-redis
// subscribes again by itself after a lost connection; each confirmation pokes every
// watcher, whose stream then reads its job again, so an announcement lost meanwhile is
// made good.
func (f *Feed) subscribe() *subscription {
	s := &subscription{pubsub: f.rdb.Subscribe(context.Background()), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if err := s.pubsub.Subscribe(context.Background(), f.channel); err != nil && !errors.Is(err, redis.ErrClosed) {
			f.log.Warn("subscribing to job announcements; retrying", zap.Error(err))
		}
		for msg := range s.pubsub.ChannelWithSubscriptions(redis.WithChannelSize(1024)) {
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
	return s
}

// endIfIdle ends the subscription when nobody has watched since the timer was set.
func (f *Feed) endIfIdle() {
	f.mu.Lock()
	var s *subscription
	if len(f.watchers) == 0 {
		s = f.detach()
	}
	f.mu.Unlock()
	if err := s.close(); err != nil {
		f.log.Debug("closing the idle subscription", zap.Error(err))
	}
}

// detach takes the subscription away from the feed for closing; f.mu is held.
func (f *Feed) detach() *subscription {
	if f.idle != nil {
		f.idle.Stop()
		f.idle = nil
	}
	s := f.sub
	f.sub = nil
	return s
}

// close unsubscribes and waits for the dispatcher; a nil subscription is closed already.
func (s *subscription) close() error {
	if s == nil {
		return nil
	}
	err := s.pubsub.Close()
	<-s.done
	return err
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
