//! The lists of event types behind `#[derive(Events)]`'s conditional impls.
//!
//! `SendEvents` applies when every event of the catalog is `Serialize`, `DescribeEvents` when
//! every one is `DescribeEvent`. The derive states each condition as one bound on a tuple of
//! [`Leaf`]s (nested sixteen to a level), `for<'a> (Leaf<A>, Leaf<B>, ...): SendAll`, instead of
//! one bound per event: every bound of an impl sits in the environment of each of its methods,
//! and rustc matched every obligation there against all of them, which made type-checking a
//! catalog quadratic in its events. A bound that does not hold leaves the impl unusable, and
//! using it is a compile error naming the event that lacks the trait.

use std::any::Any;
use std::marker::PhantomData;

use serde::{Serialize, Serializer};

/// One event type of a catalog's list; never built.
pub struct Leaf<T: ?Sized>(PhantomData<fn() -> T>);

/// A list of event types that are all `Serialize`.
pub trait SendAll {
    /// How many events the list holds.
    const LEN: usize;

    /// Serializes `data`, the payload of the list's `index`th event; an error when `data` is
    /// not of that event's type (the derive never passes such a pair).
    fn serialize_nth<S: Serializer>(
        index: usize,
        data: &dyn Any,
        serializer: S,
    ) -> Result<S::Ok, S::Error>;
}

impl<T: Serialize + 'static> SendAll for Leaf<T> {
    const LEN: usize = 1;

    fn serialize_nth<S: Serializer>(
        index: usize,
        data: &dyn Any,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match data.downcast_ref::<T>() {
            Some(data) if index == 0 => data.serialize(serializer),
            _ => Err(not_in_list(index)),
        }
    }
}

/// A list of event types that are all `DescribeEvent`.
#[cfg(feature = "schema")]
pub trait DescribeAll {
    /// Calls `visitor` once per event type, in order.
    fn visit_all<V: crate::event::EventVisitor>(visitor: &mut V);
}

#[cfg(feature = "schema")]
impl<T: crate::event::DescribeEvent> DescribeAll for Leaf<T> {
    fn visit_all<V: crate::event::EventVisitor>(visitor: &mut V) {
        visitor.visit::<T>();
    }
}

fn not_in_list<E: serde::ser::Error>(index: usize) -> E {
    E::custom(format_args!(
        "the catalog's data is not the event at index {index}"
    ))
}

/// `SendAll` and `DescribeAll` for tuples of lists, up to sixteen.
macro_rules! tuples {
    ($($list:ident)+) => {
        impl<$($list: SendAll),+> SendAll for ($($list,)+) {
            const LEN: usize = 0 $(+ $list::LEN)+;

            fn serialize_nth<S: Serializer>(
                mut index: usize,
                data: &dyn Any,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                $(
                    if index < $list::LEN {
                        return $list::serialize_nth(index, data, serializer);
                    }
                    index -= $list::LEN;
                )+
                Err(not_in_list(index))
            }
        }

        #[cfg(feature = "schema")]
        impl<$($list: DescribeAll),+> DescribeAll for ($($list,)+) {
            fn visit_all<V: crate::event::EventVisitor>(visitor: &mut V) {
                $($list::visit_all(visitor);)+
            }
        }
    };
}

tuples!(A);
tuples!(A B);
tuples!(A B C);
tuples!(A B C D);
tuples!(A B C D E);
tuples!(A B C D E F);
tuples!(A B C D E F G);
tuples!(A B C D E F G H);
tuples!(A B C D E F G H I);
tuples!(A B C D E F G H I J);
tuples!(A B C D E F G H I J K);
tuples!(A B C D E F G H I J K L);
tuples!(A B C D E F G H I J K L M);
tuples!(A B C D E F G H I J K L M N);
tuples!(A B C D E F G H I J K L M N O);
tuples!(A B C D E F G H I J K L M N O P);

#[cfg(test)]
mod tests {
    use super::{Leaf, SendAll};

    type List = ((Leaf<u8>, Leaf<String>), Leaf<bool>);

    fn to_json(index: usize, data: &dyn std::any::Any) -> Result<String, String> {
        let mut out = Vec::new();
        List::serialize_nth(index, data, &mut serde_json::Serializer::new(&mut out))
            .map_err(|error| error.to_string())?;
        String::from_utf8(out).map_err(|error| error.to_string())
    }

    #[test]
    fn serializes_the_indexed_event_and_refuses_a_mismatch() {
        assert_eq!(List::LEN, 3);
        assert_eq!(to_json(0, &7u8).as_deref(), Ok("7"));
        assert_eq!(to_json(1, &String::from("a")).as_deref(), Ok("\"a\""));
        assert_eq!(to_json(2, &true).as_deref(), Ok("true"));
        assert!(to_json(1, &7u8).is_err());
        assert!(to_json(3, &true).is_err());
    }
}
