//! The names of the roles the ledger shows: Microsoft Entra built-in roles (what GDAP relationships and
//! access assignments grant) and Azure built-in roles (what Lighthouse authorizations grant). Role ids are
//! the same in every tenant; a role not listed here is shown by its id alone.

use uuid::Uuid;

/// The Microsoft Entra Global Administrator role.
pub const GLOBAL_ADMINISTRATOR: Uuid = crate::gdap::GLOBAL_ADMINISTRATOR;
/// The Azure Owner role.
pub const OWNER: Uuid = Uuid::from_u128(0x8e3af657_a8ff_443c_a75c_2fe8c4bcb635);
/// The Azure User Access Administrator role.
pub const USER_ACCESS_ADMINISTRATOR: Uuid = Uuid::from_u128(0x18d7d88d_d35e_4fb5_a5c3_7773c20a72d9);

/// Microsoft Entra built-in roles (`roleDefinitionId` of `unifiedRoles`).
const ENTRA: [(Uuid, &str); 21] = [
    (GLOBAL_ADMINISTRATOR, "Global Administrator"),
    (
        Uuid::from_u128(0xe8611ab8_c189_46e8_94e1_60213ab1f814),
        "Privileged Role Administrator",
    ),
    (
        Uuid::from_u128(0x7be44c8a_adaf_4e2a_84d6_ab2649e08a13),
        "Privileged Authentication Administrator",
    ),
    (
        Uuid::from_u128(0x88d8e3e3_8f55_4a1e_953a_9b9898b8876b),
        "Directory Readers",
    ),
    (
        Uuid::from_u128(0xf2ef992c_3afb_46b9_b7cf_a126ee74c451),
        "Global Reader",
    ),
    (
        Uuid::from_u128(0xf023fd81_a637_4b56_95fd_791ac0226033),
        "Service Support Administrator",
    ),
    (
        Uuid::from_u128(0xfe930be7_5e62_47db_91af_98c3a49a38b1),
        "User Administrator",
    ),
    (
        Uuid::from_u128(0x729827e3_9c14_49f7_bb1b_9608f156bbb8),
        "Helpdesk Administrator",
    ),
    (
        Uuid::from_u128(0x194ae4cb_b126_40b2_bd5b_6091b380977d),
        "Security Administrator",
    ),
    (
        Uuid::from_u128(0x5d6b6bb7_de71_4623_b4af_96380a352509),
        "Security Reader",
    ),
    (
        Uuid::from_u128(0x29232cdf_9323_42fd_ade2_1d097af3e4de),
        "Exchange Administrator",
    ),
    (
        Uuid::from_u128(0xf28a1f50_f6e7_4571_818b_6a12f2af6b6c),
        "SharePoint Administrator",
    ),
    (
        Uuid::from_u128(0x69091246_20e8_4a56_aa4d_066075b2a7a8),
        "Teams Administrator",
    ),
    (
        Uuid::from_u128(0x4d6ac14f_3453_41d0_bef9_a3e0c569773a),
        "License Administrator",
    ),
    (
        Uuid::from_u128(0x158c047a_c907_4556_b7ef_446551a6b5f7),
        "Cloud Application Administrator",
    ),
    (
        Uuid::from_u128(0x9b895d92_2cd3_44c7_9d02_a6ac2d5ea5c3),
        "Application Administrator",
    ),
    (
        Uuid::from_u128(0x3a2c62db_5318_420d_8d74_23affee5d9d5),
        "Intune Administrator",
    ),
    (
        Uuid::from_u128(0xb0f54661_2d74_4c50_afa3_1ec803f12efe),
        "Billing Administrator",
    ),
    (
        Uuid::from_u128(0xc4e39bd9_1100_46d3_8c65_fb160da0071f),
        "Authentication Administrator",
    ),
    (
        Uuid::from_u128(0xb1be1c3e_b65d_4f19_8427_f6fa0d97feb9),
        "Conditional Access Administrator",
    ),
    (
        Uuid::from_u128(0x4a5d8f65_41da_4de4_8968_e035b65339cf),
        "Reports Reader",
    ),
];

/// Azure built-in roles (`roleDefinitionId` of Lighthouse authorizations).
const AZURE: [(Uuid, &str); 14] = [
    (OWNER, "Owner"),
    (
        Uuid::from_u128(0xb24988ac_6180_42a0_ab88_20f7382dd24c),
        "Contributor",
    ),
    (
        Uuid::from_u128(0xacdd72a7_3385_48ef_bd42_f606fba81ae7),
        "Reader",
    ),
    (USER_ACCESS_ADMINISTRATOR, "User Access Administrator"),
    (
        Uuid::from_u128(0xf58310d9_a9f6_439a_9e8d_f62e7b41a168),
        "Role Based Access Control Administrator",
    ),
    (
        Uuid::from_u128(0x91c1777a_f3dc_4fae_b103_61d183457e46),
        "Managed Services Registration assignment Delete Role",
    ),
    (
        Uuid::from_u128(0x39bc4728_0917_49c7_9d2c_d95423bc2eb4),
        "Security Reader",
    ),
    (
        Uuid::from_u128(0xfb1c8493_542b_48eb_b624_b4c8fea62acd),
        "Security Admin",
    ),
    (
        Uuid::from_u128(0x43d0d8ad_25c7_4714_9337_8ba259a9fe05),
        "Monitoring Reader",
    ),
    (
        Uuid::from_u128(0x749f88d5_cbae_40b8_bcfc_e573ddc772fa),
        "Monitoring Contributor",
    ),
    (
        Uuid::from_u128(0x9980e02c_c2be_4d73_94e8_173b1dc7cf3c),
        "Virtual Machine Contributor",
    ),
    (
        Uuid::from_u128(0x73c42c96_874c_492b_b04d_ab87d138a893),
        "Log Analytics Reader",
    ),
    (
        Uuid::from_u128(0x92aaf0da_9dab_42b6_94a3_d43ce8d16293),
        "Log Analytics Contributor",
    ),
    (
        Uuid::from_u128(0xcfd33db0_3dd1_45e3_aa9d_cdbdf3b6f24e),
        "Support Request Contributor",
    ),
];

/// The name of a Microsoft Entra built-in role, when known.
pub fn entra_name(id: &Uuid) -> Option<&'static str> {
    ENTRA.iter().find(|(r, _)| r == id).map(|(_, n)| *n)
}

/// The name of an Azure built-in role, when known.
pub fn azure_name(id: &Uuid) -> Option<&'static str> {
    AZURE.iter().find(|(r, _)| r == id).map(|(_, n)| *n)
}

/// A role id as Graph or ARM wrote it: a GUID, or an ARM role definition id ending in one
/// (`/providers/Microsoft.Authorization/roleDefinitions/{guid}`).
pub fn parse_role_id(text: &str) -> Option<Uuid> {
    let last = text.trim().trim_end_matches('/').rsplit('/').next()?;
    Uuid::try_parse(last).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids() {
        assert_eq!(
            entra_name(&GLOBAL_ADMINISTRATOR),
            Some("Global Administrator")
        );
        assert_eq!(azure_name(&OWNER), Some("Owner"));
        assert_eq!(azure_name(&GLOBAL_ADMINISTRATOR), None);
        assert_eq!(
            parse_role_id("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635"),
            Some(OWNER)
        );
        assert_eq!(parse_role_id("owner"), None);
        let mut ids: Vec<Uuid> = ENTRA.iter().chain(AZURE.iter()).map(|(i, _)| *i).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ENTRA.len() + AZURE.len(), "every id once");
    }
}
