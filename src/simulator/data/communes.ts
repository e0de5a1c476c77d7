// The 28 communes of the reference user's territory (DESIGN.md: a French metropolitan authority, 28 communes,
// 850,000 inhabitants). The names are invented — plausible French commune names around an imaginary river,
// l'Orcel — so that the demo data describes no real authority; populations add up to exactly 850,000, with a
// central city holding about a third, as in most French métropoles.

export interface Commune {
  name: string;
  population: number;
}

export const METROPOLE_NAME = "Rivemont Métropole";

/** Fictional mail domain; `.example` is reserved (RFC 2606), so no seeded address can reach anyone. */
export const MAIL_DOMAIN = "rivemont-metropole.example";

export const COMMUNES: readonly Commune[] = [
  { name: "Rivemont", population: 278_600 },
  { name: "Val-d'Orcel", population: 71_000 },
  { name: "Bellerive", population: 64_000 },
  { name: "Saint-Aubin-des-Prés", population: 47_000 },
  { name: "Montclar", population: 42_000 },
  { name: "Villeneuve-d'Orcel", population: 38_000 },
  { name: "Le Plessis-Fleury", population: 33_000 },
  { name: "Saint-Médard-des-Landes", population: 30_000 },
  { name: "Cenac-les-Bois", population: 27_000 },
  { name: "Bruyères-le-Haut", population: 25_000 },
  { name: "Sainte-Colombe-sur-Orcel", population: 23_000 },
  { name: "Les Essarts-de-Rivemont", population: 21_000 },
  { name: "Mérival", population: 19_000 },
  { name: "Beaulac", population: 17_000 },
  { name: "Saint-Hilaire-des-Vignes", population: 16_000 },
  { name: "Castelnau-d'Orcel", population: 14_000 },
  { name: "Le Haut-Chêne", population: 13_000 },
  { name: "Varennes-la-Plaine", population: 12_000 },
  { name: "Saint-Jory-de-l'Étang", population: 11_000 },
  { name: "Moncaut", population: 9_500 },
  { name: "Lagrange-sur-Orcel", population: 8_500 },
  { name: "Puymaurin-le-Bas", population: 7_200 },
  { name: "Les Granges-Fontaine", population: 6_000 },
  { name: "Boisseuil-le-Vieux", population: 5_200 },
  { name: "Saint-Loup-des-Sables", population: 4_100 },
  { name: "Marsac-d'Orcel", population: 3_300 },
  { name: "Fontenelle-la-Rivière", population: 2_700 },
  { name: "Ambrès-le-Port", population: 1_900 },
];
