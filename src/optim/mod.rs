//! Optimizers over the model's single flat parameter buffer, and the learning-rate schedule.
//!
//! An optimizer is a [`Rule`]: its update and the vectors of state it keeps. [`RULES`] lists
//! them; the `optimizer` setting picks one by name ([`OptimizerKind`]) and [`Optimizer`] holds
//! its state for the trainer. A new optimizer is a file here with its `Rule` and one line in
//! `RULES`. (The fine-tune of `crate::teach` keeps a plain [`Adam`] of its own.)

pub mod adam;
pub mod adamw;
pub mod schedule;
pub mod sgd;

pub use adam::{Adam, AdamConfig};
pub use schedule::{CONTINUE_SHARE, lr_at};

/// Every optimizer, Adam (the default) first.
pub const RULES: &[Rule] = &[adam::RULE, adamw::RULE, sgd::RULE];

/// What the model steps: an update of the parameters from their gradient.
pub trait Update {
    /// Parameters the state was made for.
    fn params(&self) -> usize;
    fn update(&mut self, params: &mut [f32], grads: &[f32]);
}

/// An update rule and what it keeps.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Its name in the `optimizer` setting.
    pub name: &'static str,
    /// Its number in the weights file (`crate::weights`); never reused.
    pub id: u8,
    /// Vectors of state it keeps, each as long as the parameters (Adam's moments: 2).
    pub slots: usize,
    pub step: StepFn,
}

/// A rule's update: step `t` (from 1) at rate `lr` of `params` from `grads`, with its vectors
/// of state.
pub type StepFn = fn(t: u64, lr: f32, params: &mut [f32], grads: &[f32], state: &mut [Vec<f32>]);

/// The rules' names, in [`RULES`] order: the setting's choices.
pub const NAMES: [&str; RULES.len()] = {
    let mut names = [""; RULES.len()];
    let mut i = 0;
    while i < RULES.len() {
        names[i] = RULES[i].name;
        i += 1;
    }
    names
};

/// One of [`RULES`], as the `optimizer` setting holds it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OptimizerKind(usize);

impl OptimizerKind {
    pub fn rule(self) -> &'static Rule {
        &RULES[self.0]
    }

    pub fn name(self) -> &'static str {
        self.rule().name
    }

    pub fn from_name(name: &str) -> Option<Self> {
        RULES.iter().position(|r| r.name == name).map(OptimizerKind)
    }

    pub fn from_id(id: u8) -> Option<Self> {
        RULES.iter().position(|r| r.id == id).map(OptimizerKind)
    }

    pub fn all() -> impl Iterator<Item = Self> {
        (0..RULES.len()).map(OptimizerKind)
    }
}

/// The chosen rule's state over one flat parameter buffer, at a rate the caller sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer {
    kind: OptimizerKind,
    params: usize,
    pub lr: f32,
    /// Steps taken so far (`t` of the last update).
    pub t: u64,
    /// The rule's vectors of state ([`Rule::slots`] of them).
    pub state: Vec<Vec<f32>>,
}

impl Optimizer {
    pub fn new(kind: OptimizerKind, params: usize, lr: f32) -> Self {
        Optimizer {
            kind,
            params,
            lr,
            t: 0,
            state: vec![vec![0.0; params]; kind.rule().slots],
        }
    }

    pub fn kind(&self) -> OptimizerKind {
        self.kind
    }

    /// Switches to another rule, with fresh state (the same rule keeps its state).
    pub fn set_kind(&mut self, kind: OptimizerKind) {
        if kind != self.kind {
            *self = Optimizer::new(kind, self.params, self.lr);
        }
    }

    /// Forgets the state and the step count.
    pub fn reset(&mut self) {
        self.t = 0;
        for s in &mut self.state {
            s.fill(0.0);
        }
    }

    /// One update of `params` from `grads` at `self.lr`.
    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        self.t += 1;
        (self.kind.rule().step)(self.t, self.lr, params, grads, &mut self.state);
    }
}

impl Update for Optimizer {
    fn params(&self) -> usize {
        self.params
    }

    fn update(&mut self, params: &mut [f32], grads: &[f32]) {
        self.step(params, grads);
    }
}
