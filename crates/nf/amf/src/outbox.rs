//! The queue of actions the runtime polls.
use std::collections::VecDeque;

use crate::Action;

#[derive(Debug, Default)]
pub(crate) struct Outbox(VecDeque<Action>);

impl Outbox {
    pub fn push(&mut self, a: Action) {
        self.0.push_back(a);
    }
    pub fn pop(&mut self) -> Option<Action> {
        self.0.pop_front()
    }
}
