//! Microsoft Graph's GDAP state: relationships (joined to the seeded customers), their access
//! assignments, the long-running operations that remove Global Administrator, and the requests that
//! terminate or lock relationships. The rules of change live in [`update`] and [`lifecycle`].

pub mod etag;
pub mod json;
pub mod lifecycle;
pub mod model;
pub mod seed;
pub mod update;

use std::collections::HashMap;

use uuid::Uuid;

use crate::config::Config;
use crate::rng::SeededRng;
use model::{AccessAssignment, Operation, Relationship, Request, Status};
use seed::SeededGdap;

pub struct GdapStore {
    relationships: Vec<Relationship>,
    by_key: HashMap<Uuid, u32>,
    /// `-<partner tenant id>`: every relationship id ends with it.
    suffix: String,
    assignments: Vec<AccessAssignment>,
    operations: Vec<Operation>,
    requests: Vec<Request>,
    /// Ids of operations and requests: from the seed, like everything else.
    ids: SeededRng,
    lro_polls: u32,
    terminate_polls: u32,
}

impl GdapStore {
    pub fn new(seeded: SeededGdap, config: &Config) -> Self {
        let by_key = seeded
            .relationships
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key, i as u32))
            .collect();
        GdapStore {
            relationships: seeded.relationships,
            by_key,
            suffix: format!("-{}", config.partner_tenant_id.to_ascii_lowercase()),
            assignments: seeded.assignments,
            operations: Vec::new(),
            requests: Vec::new(),
            ids: SeededRng::new(config.seed ^ 0x0DA9_1D5E_0DA9_1D5E),
            lro_polls: config.gdap_lro_polls,
            terminate_polls: config.gdap_terminate_polls,
        }
    }

    pub fn len(&self) -> usize {
        self.relationships.len()
    }

    pub fn get(&self, index: u32) -> &Relationship {
        &self.relationships[index as usize]
    }

    /// The relationship id: `<guid>-<partner tenant id>`.
    pub fn id_of(&self, index: u32) -> String {
        format!("{}{}", self.get(index).key, self.suffix)
    }

    /// The relationship with this id (GUIDs compare case-insensitively).
    pub fn find(&self, id: &str) -> Option<u32> {
        let (key, suffix) = id.split_at_checked(36)?;
        if !suffix.eq_ignore_ascii_case(&self.suffix) {
            return None;
        }
        let key = Uuid::try_parse(key).ok()?;
        self.by_key.get(&key).copied()
    }

    pub fn etag(&self, index: u32) -> String {
        etag::etag(etag::Kind::Relationship, index, self.get(index).version)
    }

    pub fn assignments_of(&self, index: u32) -> &[AccessAssignment] {
        let range = self.get(index).assignments.clone();
        &self.assignments[range.start as usize..range.end as usize]
    }

    /// The ETag of the assignment at `position` among the relationship's assignments.
    pub fn assignment_etag(&self, index: u32, position: usize) -> String {
        let global = self.get(index).assignments.start + position as u32;
        let version = self.assignments[global as usize].version;
        etag::etag(etag::Kind::Assignment, global, version)
    }

    /// The relationship's operations, oldest first, with their store indices.
    pub fn operations_of(&self, index: u32) -> impl Iterator<Item = (u32, &Operation)> {
        self.operations
            .iter()
            .enumerate()
            .filter(move |(_, op)| op.relationship == index)
            .map(|(i, op)| (i as u32, op))
    }

    pub fn operation(&self, op: u32) -> &Operation {
        &self.operations[op as usize]
    }

    /// The operation of this relationship with this id.
    pub fn find_operation(&self, index: u32, id: &str) -> Option<u32> {
        let id = Uuid::try_parse(id).ok()?;
        self.operations_of(index)
            .find(|(_, op)| op.id == id)
            .map(|(i, _)| i)
    }

    pub fn requests_of(&self, index: u32) -> impl Iterator<Item = (u32, &Request)> {
        self.requests
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.relationship == index)
            .map(|(i, r)| (i as u32, r))
    }

    pub fn request(&self, request: u32) -> &Request {
        &self.requests[request as usize]
    }

    pub fn find_request(&self, index: u32, id: &str) -> Option<u32> {
        let id = Uuid::try_parse(id).ok()?;
        self.requests_of(index)
            .find(|(_, r)| r.id == id)
            .map(|(i, _)| i)
    }

    /// A change by someone else: the ETag moves on.
    pub fn touch(&mut self, index: u32, now: crate::timefmt::Ticks) {
        let r = &mut self.relationships[index as usize];
        r.version += 1;
        r.modified = now;
    }

    /// Per customer index (below `customer_count`): whether it holds an active relationship.
    pub fn customers_with_active(&self, customer_count: usize) -> Vec<bool> {
        let mut active = vec![false; customer_count];
        for r in self.relationships.iter() {
            if r.status == Status::Active {
                if let Some(flag) = active.get_mut(r.customer as usize) {
                    *flag = true;
                }
            }
        }
        active
    }

    fn next_id(&mut self) -> Uuid {
        self.ids.guid()
    }
}
