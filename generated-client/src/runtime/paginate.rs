//! Auto-pagination: turns "fetch one page" into a `Stream` of items that
//! follows the pages until the end. Generated builders of paged operations
//! call these with a closure that sends the request for one page.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;

use super::Error;

/// A boxed, `Send` stream of items.
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// Every item of every page of a paged operation, fetched page by page as
/// items are asked for: what the `into_stream` methods return.
///
/// It is a [`Stream`], and has what the common cases need without any
/// other crate: [`next`](Self::next) for a loop, [`collect_all`](Self::collect_all)
/// for everything at once.
///
/// ```no_run
/// # async fn run(client: agora_chat::Client) -> Result<(), agora_chat::Error> {
/// let mut members = client.chatroom_members().list("room1").pagesize(100).into_stream();
/// while let Some(member) = members.next().await {
///     println!("{:?}", member?);
/// }
/// let all = client.chatroom_members().list("room1").into_stream().collect_all().await?;
/// println!("{} members", all.len());
/// # Ok(())
/// # }
/// ```
#[must_use = "a stream fetches nothing until it is polled"]
pub struct Paged<'a, T> {
    items: BoxStream<'a, T>,
}

impl<'a, T> Paged<'a, T> {
    fn new(items: BoxStream<'a, T>) -> Self {
        Paged { items }
    }

    /// The next item, fetching the next page when the current one is used
    /// up; `None` after the last one. After an error the stream ends.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        futures_util::StreamExt::next(&mut self.items).await
    }

    /// Every remaining item, in order; the first error stops it.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }

    /// The stream as a boxed trait object.
    pub fn into_inner(self) -> BoxStream<'a, T> {
        self.items
    }
}

impl<T> Stream for Paged<'_, T> {
    type Item = Result<T, Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.items.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for Paged<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paged").finish_non_exhaustive()
    }
}

/// Where the next request starts.
enum Next {
    Cursor(Option<String>),
    Page(u64),
    Done,
}

struct State<R, T> {
    request: R,
    next: Next,
    buffered: VecDeque<T>,
}

/// Follows `limit`/`cursor` pages. `fetch(request, cursor)` returns one
/// page's items and the next cursor; the stream ends after a page with no
/// items, with no (or an empty) next cursor, or when the server repeats the
/// cursor it was given (which would otherwise loop forever).
pub(crate) fn by_cursor<'a, R, T, F, Fut>(request: R, fetch: F) -> Paged<'a, T>
where
    R: Clone + Send + 'a,
    T: Send + 'a,
    F: Fn(R, Option<String>) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + Send + 'a,
{
    let state = State {
        request,
        next: Next::Cursor(None),
        buffered: VecDeque::new(),
    };
    Paged::new(Box::pin(futures_util::stream::unfold(
        (state, fetch),
        |(mut state, fetch)| async move {
            loop {
                if let Some(item) = state.buffered.pop_front() {
                    return Some((Ok(item), (state, fetch)));
                }
                let Next::Cursor(cursor) = std::mem::replace(&mut state.next, Next::Done) else {
                    return None;
                };
                match fetch(state.request.clone(), cursor.clone()).await {
                    Err(e) => return Some((Err(e), (state, fetch))),
                    Ok((items, next)) => {
                        let next = next.filter(|c| !c.is_empty());
                        let more = !items.is_empty() && next.is_some() && next != cursor;
                        state.next = if more { Next::Cursor(next) } else { Next::Done };
                        state.buffered.extend(items);
                    }
                }
            }
        },
    )))
}

/// Follows page-number pages starting at `first_page`. `fetch(request,
/// page)` returns one page's items; the stream ends after an empty page, or
/// after a page shorter than `page_size` when the page size is known.
pub(crate) fn by_page_number<'a, R, T, F, Fut>(
    request: R,
    first_page: u64,
    page_size: Option<u64>,
    fetch: F,
) -> Paged<'a, T>
where
    R: Clone + Send + 'a,
    T: Send + 'a,
    F: Fn(R, u64) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<Vec<T>, Error>> + Send + 'a,
{
    let state = State {
        request,
        next: Next::Page(first_page),
        buffered: VecDeque::new(),
    };
    Paged::new(Box::pin(futures_util::stream::unfold(
        (state, fetch),
        move |(mut state, fetch)| async move {
            loop {
                if let Some(item) = state.buffered.pop_front() {
                    return Some((Ok(item), (state, fetch)));
                }
                let Next::Page(page) = std::mem::replace(&mut state.next, Next::Done) else {
                    return None;
                };
                match fetch(state.request.clone(), page).await {
                    Err(e) => return Some((Err(e), (state, fetch))),
                    Ok(items) => {
                        let short = page_size.is_some_and(|size| (items.len() as u64) < size);
                        if !items.is_empty() && !short {
                            state.next = Next::Page(page + 1);
                        }
                        state.buffered.extend(items);
                    }
                }
            }
        },
    )))
}

/// The string at `pointer` (e.g. `/properties/cursor`) among a response's
/// undeclared top-level values, for APIs that put the next cursor there.
pub(crate) fn cursor_in(extra: &crate::Extra, pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix('/')?;
    let (first, inner) = rest.split_once('/').map_or((rest, ""), |(f, i)| (f, i));
    let value = extra.get(first)?;
    let value = if inner.is_empty() {
        value
    } else {
        value.pointer(&format!("/{inner}"))?
    };
    value.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt;

    use super::*;

    /// Pages keyed by cursor: (items, next cursor).
    fn cursor_pages() -> Vec<(Option<&'static str>, Vec<u32>, Option<&'static str>)> {
        vec![
            (None, vec![1, 2], Some("c1")),
            (Some("c1"), vec![3, 4], Some("c2")),
            (Some("c2"), vec![5], None),
        ]
    }

    #[test]
    fn cursor_in_reads_nested_undeclared_values() {
        let extra = serde_json::json!({"properties": {"cursor": "abc"}, "n": 1});
        let extra = &crate::Extra::from(extra.as_object().unwrap().clone());
        assert_eq!(
            cursor_in(extra, "/properties/cursor").as_deref(),
            Some("abc")
        );
        assert_eq!(cursor_in(extra, "/properties/missing"), None);
        assert_eq!(cursor_in(extra, "/n"), None);
        assert_eq!(cursor_in(extra, "no-slash"), None);
    }

    #[tokio::test]
    async fn cursor_stream_follows_until_no_cursor() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let seen = calls.clone();
        let stream = by_cursor((), move |(), cursor: Option<String>| {
            seen.lock().unwrap().push(cursor.clone());
            let page = cursor_pages()
                .into_iter()
                .find(|(c, _, _)| c.map(String::from) == cursor)
                .expect("known cursor");
            async move { Ok((page.1, page.2.map(String::from))) }
        });
        let items: Vec<u32> = stream.map(|r| r.unwrap()).collect().await;
        assert_eq!(items, vec![1, 2, 3, 4, 5]);
        assert_eq!(
            *calls.lock().unwrap(),
            vec![None, Some("c1".to_string()), Some("c2".to_string())]
        );
    }

    #[tokio::test]
    async fn cursor_stream_stops_on_a_repeated_cursor() {
        let stream = by_cursor((), |(), _cursor| async {
            Ok((vec![1], Some("same".to_string())))
        });
        let items: Vec<u32> = stream.map(|r| r.unwrap()).collect().await;
        // First page (no cursor) then the page for "same", which points at
        // itself: two pages, then the stream ends.
        assert_eq!(items, vec![1, 1]);
    }

    #[tokio::test]
    async fn errors_are_yielded_and_end_the_stream() {
        let stream = by_cursor((), |(), _cursor| async {
            Err::<(Vec<u32>, Option<String>), _>(Error::Config(
                super::super::ConfigError::MissingToken,
            ))
        });
        let results: Vec<Result<u32, Error>> = stream.collect().await;
        assert_eq!(results.len(), 1);
        assert!(results[0].is_err());
    }

    #[tokio::test]
    async fn page_stream_stops_on_a_short_or_empty_page() {
        let short = by_page_number((), 1, Some(2), |(), page| async move {
            Ok(match page {
                1 => vec![1, 2],
                2 => vec![3],
                _ => panic!("page {page} must not be fetched"),
            })
        });
        assert_eq!(
            short.map(|r| r.unwrap()).collect::<Vec<u32>>().await,
            vec![1, 2, 3]
        );

        let unknown_size = by_page_number((), 1, None, |(), page| async move {
            Ok(if page <= 3 {
                vec![page as u32]
            } else {
                Vec::new()
            })
        });
        assert_eq!(
            unknown_size.map(|r| r.unwrap()).collect::<Vec<u32>>().await,
            vec![1, 2, 3]
        );
    }
}
