//! What every generated request builder has besides its own arguments: the
//! per-call options and `.await`. One macro instead of a copy in each of
//! the generated builders.

/// The future a request builder turns into when awaited.
pub(crate) type BoxFuture<'a, T> =
    ::std::pin::Pin<Box<dyn ::std::future::Future<Output = T> + Send + 'a>>;

/// `request_builder!(Builder => Output)` gives `Builder` (which has an
/// `options: RequestOptions` field and an `async fn send(self) -> Output`)
/// `timeout`, `header` and `IntoFuture`.
macro_rules! request_builder {
    ($builder:ident => $output:ty) => {
        impl<'a> $builder<'a> {
            /// Overrides the client's per-request timeout for this call.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options = self.options.timeout(timeout);
                self
            }

            /// Adds a header to this call only (checked for CR/LF like every
            /// header value).
            pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
                self.options = self.options.header(name, value);
                self
            }
        }

        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = $output;
            type IntoFuture = $crate::runtime::BoxFuture<'a, Self::Output>;

            // Inline: the operation's future (and its decode) is then compiled
            // only in crates that call it, not all of them in this one.
            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

pub(crate) use request_builder;
