//! The send log of each rate-limited operation, kept in Redis for the
//! whole fleet: the sliding-window log of `send_log`, booked by one Lua
//! script run per call.

use std::sync::Arc;
use std::time::Duration;

use redis::Script;
use tokio::time::Instant;

use super::{Fleet, FleetFailure};
use crate::runtime::FleetError;
use crate::runtime::send_log::{Booking, LocalLog, Pace, Pausing, SendLog};

/// Books one send. `KEYS[1]`: the log (a list of booked send times in
/// microseconds of Redis' clock, oldest first); `KEYS[2]`: the pause a 429
/// set (a time in the same unit). `ARGV`: the count and the window in
/// microseconds. Returns how long after now (in microseconds) the call may
/// go.
///
/// As in the in-process log: sends a whole window old are dropped; with
/// `count` left, the call goes a window after the oldest, else now; the
/// booking is appended and the list cut to `count`. A booking is never
/// earlier than the last one (so the list stays sorted) nor than a pause.
/// Numbers go back to Redis through `%.0f`: Lua's default conversion would
/// round a microsecond timestamp.
const BOOK: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local count = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
while true do
  local oldest = redis.call('LINDEX', KEYS[1], 0)
  if not oldest or tonumber(oldest) + window > now then break end
  redis.call('LPOP', KEYS[1])
end
local len = redis.call('LLEN', KEYS[1])
local at = now
if len >= count then
  at = tonumber(redis.call('LINDEX', KEYS[1], 0)) + window
end
local last = redis.call('LINDEX', KEYS[1], -1)
if last and tonumber(last) > at then at = tonumber(last) end
local pause = redis.call('GET', KEYS[2])
if pause and tonumber(pause) > at then at = tonumber(pause) end
redis.call('RPUSH', KEYS[1], string.format('%.0f', at))
if len + 1 > count then
  redis.call('LTRIM', KEYS[1], len + 1 - count, -1)
end
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil((at - now + window) / 1000) + 1000))
return at - now
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
    pause: Script,
}

impl RedisLog {
    pub(crate) fn new(fleet: Arc<Fleet>) -> Self {
        Self {
            fleet,
            local: LocalLog::default(),
            book: Script::new(BOOK),
            pause: Script::new(PAUSE),
        }
    }

    /// Books in Redis; the delay from now until the call may go.
    pub(crate) async fn book_shared(
        &self,
        key: &str,
        pace: Pace,
        wait: Duration,
    ) -> Result<Duration, String> {
        let log = self.fleet.key(&format!("limit:{key}"));
        let pause = self.fleet.key(&format!("pause:{key}"));
        let count = u64::try_from(pace.count).unwrap_or(u64::MAX);
        let window = micros(pace.window);
        let delay: i64 = self
            .fleet
            .run(wait, |mut connection| async move {
                self.book
                    .key(log)
                    .key(pause)
                    .arg(count)
                    .arg(window)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        Ok(Duration::from_micros(u64::try_from(delay).unwrap_or(0)))
    }
}

/// Whole microseconds, saturating.
fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

impl SendLog for RedisLog {
    fn book(&self, key: &'static str, pace: Pace, wait: Duration) -> Booking<'_> {
        Box::pin(async move {
            match self.book_shared(key, pace, wait).await {
                Ok(delay) => Ok(Instant::now() + delay),
                Err(reason) => match self.fleet.policy() {
                    FleetFailure::FallBackToLocal => Ok(self.local.book_now(key, pace)),
                    FleetFailure::FailCall => Err(FleetError::new(
                        format!("booking a send of `{key}` in the shared rate limit"),
                        reason,
                    )
                    .into()),
                },
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
