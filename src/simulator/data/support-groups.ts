// The support groups of the seeded `sys_user_group` table: the IT department (DSI) of a métropole with a
// mutualised IT service for its communes, business directions with their own digital teams, and contractors.
// `domains` lists the domain keys (service-catalogue.ts) a group usually supports.

export interface SupportGroup {
  name: string;
  description: string;
  domains: readonly string[];
}

export const SUPPORT_GROUPS: readonly SupportGroup[] = [
  {
    name: "DSI – Pôle Applications Métier",
    description: "Maintien en condition opérationnelle des applications métier des directions.",
    domains: [],
  },
  {
    name: "DSI – Pôle Applications Ressources",
    description: "Applications de gestion : ressources humaines, finances, commande publique, courrier.",
    domains: ["interne", "finances"],
  },
  {
    name: "DSI – Pôle Relation Usagers et Téléservices",
    description: "Téléservices, prise de rendez-vous, compte usager et gestion de la relation usagers.",
    domains: ["relation", "citoyennete", "petite-enfance", "education"],
  },
  {
    name: "DSI – Pôle Sites et Portails",
    description: "Sites internet, portails thématiques et applications mobiles.",
    domains: ["relation", "tourisme", "culture", "democratie"],
  },
  {
    name: "DSI – Pôle Données et Open Data",
    description: "Entrepôt de données, API et portail open data.",
    domains: ["environnement", "mobilite", "finances"],
  },
  {
    name: "DSI – Pôle Infrastructures et Hébergement",
    description: "Centres de données, virtualisation, stockage et sauvegarde.",
    domains: ["interne"],
  },
  {
    name: "DSI – Pôle Réseaux et Télécoms",
    description: "Réseau métropolitain, téléphonie et accès internet des sites.",
    domains: ["interne"],
  },
  {
    name: "DSI – Pôle Sécurité des SI",
    description: "Sécurité des systèmes d'information, habilitations et gestion des incidents de sécurité.",
    domains: ["securite", "interne"],
  },
  {
    name: "DSI – Centre de Services",
    description: "Point d'entrée unique des demandes et incidents des agents.",
    domains: ["interne"],
  },
  {
    name: "DSI – Pôle SIG et Cartographie",
    description: "Système d'information géographique et services cartographiques.",
    domains: ["urbanisme", "environnement", "habitat"],
  },
  {
    name: "Direction des Mobilités – Cellule Numérique",
    description: "Services numériques des transports, du stationnement et des modes actifs.",
    domains: ["mobilite"],
  },
  {
    name: "Direction de la Culture – Mission Numérique",
    description: "Bibliothèques, musées, billetteries et agenda culturel.",
    domains: ["culture"],
  },
  {
    name: "Régie de l'Eau – Systèmes d'Information",
    description: "Relation abonnés, facturation et gestion du réseau d'eau et d'assainissement.",
    domains: ["eau"],
  },
  {
    name: "Direction Déchets et Propreté – Pôle Outils",
    description: "Collecte, déchèteries et propreté urbaine.",
    domains: ["dechets"],
  },
  {
    name: "Direction de l'Éducation – Pôle Familles",
    description: "Inscriptions scolaires, restauration et périscolaire, petite enfance.",
    domains: ["education", "petite-enfance"],
  },
  {
    name: "Direction des Solidarités – SI Social",
    description: "Applications de l'action sociale, du CCAS et de la santé.",
    domains: ["solidarites", "sante"],
  },
  {
    name: "Direction de l'Habitat – Pôle Outils",
    description: "Demande de logement social, aides à la rénovation et observatoire.",
    domains: ["habitat"],
  },
  {
    name: "Direction de l'Urbanisme – Pôle ADS",
    description: "Application du droit des sols et autorisations d'urbanisme.",
    domains: ["urbanisme"],
  },
  {
    name: "Direction des Sports – Équipe Numérique",
    description: "Équipements sportifs, piscines et inscriptions.",
    domains: ["sports"],
  },
  {
    name: "Direction de l'Économie – Cellule Numérique",
    description: "Aides aux entreprises, emploi et marchés publics.",
    domains: ["economie"],
  },
  {
    name: "Direction des Finances – Pôle Applications",
    description: "Paiement en ligne, fiscalité locale et exécution budgétaire.",
    domains: ["finances"],
  },
  {
    name: "Direction de l'Environnement – Mission Climat",
    description: "Plan climat, qualité de l'air, nature en ville.",
    domains: ["environnement"],
  },
  {
    name: "Direction de la Participation Citoyenne",
    description: "Plateforme de participation, budget participatif et consultations.",
    domains: ["democratie"],
  },
  {
    name: "Office de Tourisme – Équipe Web",
    description: "Site de destination, billetterie et réservations touristiques.",
    domains: ["tourisme"],
  },
  {
    name: "Mairie de Rivemont – Service Informatique",
    description: "Services numériques de la ville-centre.",
    domains: [],
  },
  {
    name: "Communes – Service Informatique Mutualisé",
    description: "Services numériques des 27 autres communes, portés par le service commun.",
    domains: [],
  },
  {
    name: "Prestataire TMA – Mobilités",
    description: "Tierce maintenance applicative des services de mobilité (marché 2023-2027).",
    domains: ["mobilite"],
  },
  {
    name: "Prestataire TMA – Portail Familles",
    description: "Tierce maintenance applicative du portail familles.",
    domains: ["education", "petite-enfance"],
  },
  {
    name: "Prestataire d'infogérance – Hébergement",
    description: "Infogérance des serveurs hébergés dans les centres de données de la Métropole.",
    domains: [],
  },
  {
    name: "Éditeurs SaaS – Support niveau 2",
    description: "Escalade vers les éditeurs des solutions en mode SaaS.",
    domains: [],
  },
];

/** Indexes of special-purpose groups in SUPPORT_GROUPS. */
export const GROUP_INDEX = {
  applicationsMetier: 0,
  centralCity: 24,
  mutualisedCommunes: 25,
  hostingContractor: 28,
  saasVendors: 29,
} as const;
