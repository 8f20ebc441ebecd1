//! Organization display names: mostly ASCII, about one in six not, always unique (an index is appended).

use crate::rng::SeededRng;

const ASCII: &[&str] = &[
    "Contoso Ltd",
    "Fabrikam Inc",
    "Northwind Traders",
    "Adventure Works",
    "Tailspin Toys",
    "Wingtip Toys",
    "Litware Inc",
    "Proseware Inc",
    "Woodgrove Bank",
    "Alpine Ski House",
    "Blue Yonder Airlines",
    "Coho Winery",
    "Fourth Coffee",
    "Humongous Insurance",
    "Lucerne Publishing",
    "Margie's Travel",
    "Relecloud",
    "Trey Research",
    "Wide World Importers",
    "School of Fine Art",
];

const NON_ASCII: &[&str] = &[
    "Café Müller GmbH",
    "株式会社サンプル商事",
    "Zürich Beratung AG",
    "Ōsaka Trading",
    "Ελληνική Εταιρεία",
    "Société Générale de Conseil",
    "Łódź Logistyka Sp. z o.o.",
    "São Paulo Comércio Ltda",
    "Москва Консалтинг",
    "Ærø Fiskeri ApS",
];

/// The display name of the customer at `index` (0-based).
pub fn display_name(rng: &mut SeededRng, index: usize) -> String {
    let base = if rng.below(6) == 0 {
        NON_ASCII[rng.below(NON_ASCII.len() as u64) as usize]
    } else {
        ASCII[rng.below(ASCII.len() as u64) as usize]
    };
    format!("{base} {}", index + 1)
}
