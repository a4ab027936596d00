//! Arguments that take one id or many: a comma-list path parameter or a
//! list of usernames accepts `"g1"` as well as `["g1", "g2"]` or a `Vec`.

/// One or more ids (usernames, group ids, room ids, ...).
///
/// ```
/// use agora_chat::IntoIds;
/// assert_eq!("g1".into_ids(), ["g1"]);
/// assert_eq!(["g1", "g2"].into_ids(), ["g1", "g2"]);
/// assert_eq!(vec![String::from("g3")].into_ids(), ["g3"]);
/// ```
pub trait IntoIds {
    /// The ids, in order.
    fn into_ids(self) -> Vec<String>;
}

impl IntoIds for &str {
    fn into_ids(self) -> Vec<String> {
        vec![self.to_owned()]
    }
}

impl IntoIds for String {
    fn into_ids(self) -> Vec<String> {
        vec![self]
    }
}

impl IntoIds for &String {
    fn into_ids(self) -> Vec<String> {
        vec![self.clone()]
    }
}

impl<T: Into<String>, const N: usize> IntoIds for [T; N] {
    fn into_ids(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<T: Into<String>> IntoIds for Vec<T> {
    fn into_ids(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<T: AsRef<str>> IntoIds for &[T] {
    fn into_ids(self) -> Vec<String> {
        self.iter().map(|id| id.as_ref().to_owned()).collect()
    }
}

impl<T: AsRef<str>> IntoIds for &Vec<T> {
    fn into_ids(self) -> Vec<String> {
        self.as_slice().into_ids()
    }
}
