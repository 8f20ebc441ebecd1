//! CloudCockpit's GDAP relationships (one per customer for the first few customers).

use serde_json::{json, Value};
use uuid::Uuid;

use crate::timefmt::{format_ticks, Ticks, TICKS_PER_DAY};

#[derive(Clone, Debug)]
pub struct Relationship {
    pub customer_id: Uuid,
    /// A GDAP relationship id, `<guid>-<guid>`.
    pub relationship_id: String,
    pub display_name: String,
    pub auto_extend_enabled: bool,
    pub created: Ticks,
    pub last_modified: Ticks,
}

impl Relationship {
    /// The resource as CloudCockpit writes it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.relationship_id,
            "relationshipId": self.relationship_id,
            "displayName": self.display_name,
            "duration": "P730D",
            "autoExtendDuration": if self.auto_extend_enabled { "P180D" } else { "PT0S" },
            "autoExtendEnabled": self.auto_extend_enabled,
            "customer": { "tenantId": self.customer_id },
            "status": { "name": "Active" },
            "accessDetails": { "unifiedRoles": [
                { "roleDefinitionId": "729827e3-9c14-49f7-bb1b-9608f156bbb8" },
                { "roleDefinitionId": "f2ef992c-3afb-46b9-b7cf-a126ee74c451" }
            ] },
            "createdDateTime": format_ticks(self.created),
            "activatedDateTime": format_ticks(self.created),
            "endDateTime": format_ticks(self.created + 730 * TICKS_PER_DAY),
            "lastModifiedDateTime": format_ticks(self.last_modified),
        })
    }
}

pub struct RelationshipStore {
    relationships: Vec<Relationship>,
}

impl RelationshipStore {
    pub fn new(relationships: Vec<Relationship>) -> Self {
        RelationshipStore { relationships }
    }

    pub fn all(&self) -> &[Relationship] {
        &self.relationships
    }

    pub fn of_customer(&self, customer_id: &Uuid) -> impl Iterator<Item = &Relationship> {
        let customer_id = *customer_id;
        self.relationships
            .iter()
            .filter(move |r| r.customer_id == customer_id)
    }

    /// The relationship, matched on the literal (already percent-decoded) id.
    pub fn find_mut(
        &mut self,
        customer_id: &Uuid,
        relationship_id: &str,
    ) -> Option<&mut Relationship> {
        self.relationships
            .iter_mut()
            .find(|r| r.customer_id == *customer_id && r.relationship_id == relationship_id)
    }
}
