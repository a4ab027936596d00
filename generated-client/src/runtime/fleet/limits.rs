//! The sends of each rate-limited operation, kept in Redis for the whole
//! fleet: a sliding-window log like `send_log`'s, asked by one Lua script
//! run per send (and told by another when the answer is in).

use std::sync::Arc;
use std::time::Duration;

use redis::Script;
use tokio::time::Instant;

use super::{Fleet, FleetFailure};
use crate::runtime::FleetError;
use crate::runtime::send_log::{Booking, LocalLog, Pace, Pausing, SendLog, Slot};

/// Asks for a send now. `KEYS[1]`: the sends in flight (a sorted set of
/// tickets scored by when they were granted); `KEYS[2]`: the sends
/// answered (tickets scored by when their answer came, in the same clock);
/// `KEYS[3]`: the pause a 429 set. `ARGV`: the count, the window, how long a
/// send may stay in flight before it is forgotten (microseconds), the
/// ticket. Returns -1 when the send may go now (the ticket is then in
/// flight), else how many microseconds to wait before asking again.
///
/// A send counts from when it is granted until a window after its answer
/// came: the answer is an upper bound of when the server saw the request,
/// so however late a request travels (a process that was not scheduled, a
/// connection being opened), no window of the server's ever holds more than
/// `count`. Answered sends a whole window old are dropped; with `count`
/// still counted, the wait is until the oldest answered one leaves the
/// window (or a whole window when all are in flight: none of them can leave
/// sooner). Times are Redis' own (`TIME`), the same for every process;
/// numbers go back to Redis through `%.0f`, as Lua's default conversion
/// would round a microsecond timestamp.
const BOOK: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local count = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local stale = tonumber(ARGV[3])
local pause = redis.call('GET', KEYS[3])
if pause and tonumber(pause) > now then
  return tonumber(pause) - now
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now - window))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - stale))
local busy = redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])
if busy < count then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil(stale / 1000) + 1000))
  return -1
end
local wait = window
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if oldest[2] then
  wait = tonumber(oldest[2]) + window - now
end
if wait < 1000 then wait = 1000 end
return wait
";

/// The send `ARGV[1]` has its answer: moved from in flight (`KEYS[1]`) to
/// answered (`KEYS[2]`), scored now. `ARGV[2]`: the window in
/// microseconds, for the expiry.
const SENT: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], string.format('%.0f', now), ARGV[1])
redis.call('PEXPIRE', KEYS[2], string.format('%.0f', math.ceil(tonumber(ARGV[2]) / 1000) + 1000))
return 0
";

/// Holds back `KEYS[1]`'s operation for `ARGV[1]` microseconds from now,
/// unless a longer pause is already set.
const PAUSE: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local pause = tonumber(ARGV[1])
local until_at = now + pause
local current = redis.call('GET', KEYS[1])
if not current or tonumber(current) < until_at then
  redis.call('SET', KEYS[1], string.format('%.0f', until_at), 'PX', string.format('%.0f', math.ceil(pause / 1000) + 1))
end
return 0
";

/// The [`SendLog`] of a fleet: Redis, and the in-process log when Redis
/// fails and the policy is to fall back.
pub(crate) struct RedisLog {
    fleet: Arc<Fleet>,
    local: LocalLog,
    book: Script,
    sent: Script,
    pause: Script,
}

/// Redis' answer to a booking.
enum Answer {
    Go,
    Wait(Duration),
}

impl RedisLog {
    pub(crate) fn new(fleet: Arc<Fleet>) -> Self {
        Self {
            fleet,
            local: LocalLog::default(),
            book: Script::new(BOOK),
            sent: Script::new(SENT),
            pause: Script::new(PAUSE),
        }
    }

    /// Asks Redis once whether `ticket` may go now.
    async fn ask(
        &self,
        key: &str,
        pace: Pace,
        ticket: &str,
        wait: Duration,
    ) -> Result<Answer, String> {
        let window = micros(pace.window);
        // A request cannot be in flight longer than its timeout.
        let stale = micros(pace.window.saturating_add(wait));
        let count = u64::try_from(pace.count).unwrap_or(u64::MAX);
        let keys = [
            self.fleet.key(&format!("limit:{key}:in-flight")),
            self.fleet.key(&format!("limit:{key}")),
            self.fleet.key(&format!("pause:{key}")),
        ];
        let answer: i64 = self
            .fleet
            .run(wait, |mut connection| async move {
                self.book
                    .key(&keys[..])
                    .arg(count)
                    .arg(window)
                    .arg(stale)
                    .arg(ticket)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        Ok(match u64::try_from(answer) {
            Ok(micros) => Answer::Wait(Duration::from_micros(micros)),
            Err(_) => Answer::Go,
        })
    }

    /// Waits until Redis lets `ticket` go.
    async fn book_shared(
        &self,
        key: &str,
        pace: Pace,
        ticket: &str,
        wait: Duration,
    ) -> Result<(), String> {
        loop {
            match self.ask(key, pace, ticket, wait).await? {
                Answer::Go => return Ok(()),
                Answer::Wait(delay) => {
                    tracing::trace!(
                        operation = key,
                        delay_ms = crate::runtime::transport::millis(delay),
                        "waiting for the fleet's rate limit"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}

/// Whole microseconds, saturating.
fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

impl SendLog for RedisLog {
    fn book(&self, key: &'static str, pace: Pace, wait: Duration) -> Booking<'_> {
        Box::pin(async move {
            let ticket = super::unique_value();
            match self.book_shared(key, pace, &ticket, wait).await {
                Ok(()) => Ok(Slot {
                    at: Instant::now(),
                    ticket: Some(ticket),
                }),
                Err(reason) => match self.fleet.policy() {
                    FleetFailure::FallBackToLocal => Ok(Slot {
                        at: self.local.book_now(key, pace),
                        ticket: None,
                    }),
                    FleetFailure::FailCall => Err(FleetError::new(
                        format!("booking a send of `{key}` in the shared rate limit"),
                        reason,
                    )
                    .into()),
                },
            }
        })
    }

    fn sent(&self, key: &'static str, pace: Pace, ticket: String, wait: Duration) -> Pausing<'_> {
        Box::pin(async move {
            let keys = [
                self.fleet.key(&format!("limit:{key}:in-flight")),
                self.fleet.key(&format!("limit:{key}")),
            ];
            let window = micros(pace.window);
            let outcome: Result<i64, String> = self
                .fleet
                .run(wait, |mut connection| async move {
                    self.sent
                        .key(&keys[..])
                        .arg(ticket)
                        .arg(window)
                        .invoke_async(&mut connection)
                        .await
                })
                .await;
            if let Err(reason) = outcome {
                tracing::debug!(
                    operation = key,
                    %reason,
                    "could not report a send to the fleet (it is forgotten after its timeout)"
                );
            }
        })
    }

    fn pause(&self, key: &'static str, pause: Duration, wait: Duration) -> Pausing<'_> {
        Box::pin(async move {
            let pause_key = self.fleet.key(&format!("pause:{key}"));
            let pause_us = micros(pause);
            let outcome: Result<i64, String> = self
                .fleet
                .run(wait, |mut connection| async move {
                    self.pause
                        .key(pause_key)
                        .arg(pause_us)
                        .invoke_async(&mut connection)
                        .await
                })
                .await;
            match outcome {
                Ok(_) => tracing::debug!(
                    operation = key,
                    pause_ms = crate::runtime::transport::millis(pause),
                    "429: the operation is paused for the whole fleet"
                ),
                Err(reason) => tracing::debug!(
                    operation = key,
                    %reason,
                    "429: could not pause the operation for the fleet"
                ),
            }
        })
    }
}
