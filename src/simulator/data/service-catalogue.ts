// What the seeded catalogue is made of: the public-service domains of a French métropole and its communes, the
// kinds of digital service in each, and the channels they are offered through. A service name combines a kind
// with a scope (one of the 28 communes, or an audience for métropole-wide services) and a channel, e.g.
// "Demande de place en crèche – Bellerive (téléservice)"; catalogue-permutation.ts draws combinations without
// repetition, so names are unique.
import type { SeasonKey } from "./seasonality.js";

export type ChannelKey = "P" | "T" | "M" | "A" | "B" | "O";

export interface Channel {
  label: string;
  /** Share of visits from mobile devices, typical for the channel (0.3-0.9). */
  mobileShare: number;
  /** Visits relative to the same service on a web portal. */
  visitsFactor: number;
  /** Whether users complete a procedure on this channel (transactions are counted). */
  transactional: boolean | "inherit";
  /** How the channel is described in a short description. */
  phrase: string;
}

export const CHANNELS: Readonly<Record<ChannelKey, Channel>> = {
  P: {
    label: "portail web",
    mobileShare: 0.55,
    visitsFactor: 1,
    transactional: "inherit",
    phrase: "sur le portail web",
  },
  T: { label: "téléservice", mobileShare: 0.5, visitsFactor: 0.7, transactional: true, phrase: "en téléservice" },
  M: {
    label: "appli mobile",
    mobileShare: 0.88,
    visitsFactor: 0.8,
    transactional: "inherit",
    phrase: "sur l'appli mobile",
  },
  A: {
    label: "API open data",
    mobileShare: 0.3,
    visitsFactor: 0.2,
    transactional: false,
    phrase: "via l'API open data",
  },
  B: {
    label: "borne",
    mobileShare: 0.3,
    visitsFactor: 0.08,
    transactional: "inherit",
    phrase: "sur les bornes en libre-service",
  },
  O: {
    label: "back-office",
    mobileShare: 0.3,
    visitsFactor: 0.15,
    transactional: "inherit",
    phrase: "dans le back-office des agents",
  },
};

/** `commune`: offered by each commune; `metropole`: one service for the whole territory; `internal`: for staff. */
export type Scope = "commune" | "metropole" | "internal";

export interface ServiceKind {
  label: string;
  scope: Scope;
  transactional: boolean;
  /**
   * Median visits per month on a web portal: for the whole territory (metropole, internal), or for a commune of
   * 30,000 inhabitants (commune scope, scaled by population).
   */
  medianVisits: number;
  channels: readonly ChannelKey[];
  /** Overrides the domain's seasonality (e.g. the swimming pool in a sports domain peaks in summer). */
  season?: SeasonKey;
}

export interface Domain {
  key: string;
  /** The value of `u_domain`. */
  label: string;
  season: SeasonKey;
  kinds: readonly ServiceKind[];
}

type KindRow = [
  label: string,
  scope: "c" | "m" | "i",
  transactional: 0 | 1,
  medianVisits: number,
  channels: string,
  season?: SeasonKey,
];

const SCOPES = { c: "commune", m: "metropole", i: "internal" } as const;

function domain(key: string, label: string, season: SeasonKey, rows: KindRow[]): Domain {
  return {
    key,
    label,
    season,
    kinds: rows.map(([kindLabel, scope, tx, medianVisits, channels, kindSeason]) => ({
      label: kindLabel,
      scope: SCOPES[scope],
      transactional: tx === 1,
      medianVisits,
      channels: [...channels] as ChannelKey[],
      ...(kindSeason ? { season: kindSeason } : {}),
    })),
  };
}

export const DOMAINS: readonly Domain[] = [
  domain("mobilite", "Mobilité", "mobility", [
    ["Calculateur d'itinéraires multimodal", "m", 0, 9000, "PMA"],
    ["Information trafic en temps réel", "m", 0, 6000, "PMA"],
    ["Abonnements aux transports en commun", "m", 1, 4000, "TMB"],
    ["Transport à la demande – réservation", "m", 1, 700, "TM"],
    ["Covoiturage métropolitain", "m", 1, 900, "PM"],
    ["Disponibilité des parcs relais", "m", 0, 1800, "PMA"],
    ["Bornes de recharge pour véhicules électriques", "m", 1, 1200, "MA"],
    ["Fourrière – localisation de véhicule", "m", 1, 800, "PT"],
    ["Objets trouvés du réseau de transport", "m", 1, 300, "PT"],
    ["Carte de stationnement résident", "c", 1, 150, "T"],
    ["Location de vélos longue durée", "m", 1, 600, "TM"],
    ["Stationnements et itinéraires vélo", "m", 0, 500, "PA"],
    ["Navettes fluviales – horaires", "m", 0, 400, "PM", "summer"],
    ["Plan des travaux et déviations", "c", 0, 120, "P"],
  ]),
  domain("culture", "Culture et bibliothèques", "culture", [
    ["Réservation de documents en bibliothèque", "m", 1, 2200, "PMB"],
    ["Prêt de livres numériques", "m", 1, 1500, "PM"],
    ["Billetterie des musées métropolitains", "m", 1, 2500, "TMB"],
    ["Agenda culturel", "m", 0, 3000, "PMA"],
    ["Archives métropolitaines – consultation en ligne", "m", 0, 700, "PA"],
    ["Inscriptions au conservatoire", "m", 1, 300, "TO"],
    ["Programmes du réseau des cinémas", "m", 0, 800, "PM"],
    ["Billetterie du festival d'été", "m", 1, 1200, "TM", "summer"],
    ["Compte lecteur de la médiathèque", "c", 1, 380, "PB"],
    ["Inscriptions à l'école de musique", "c", 1, 70, "T"],
    ["Billetterie de la salle de spectacle", "c", 1, 260, "T"],
    ["Location de salles municipales", "c", 1, 45, "T"],
  ]),
  domain("petite-enfance", "Petite enfance", "earlyChildhood", [
    ["Guide des modes d'accueil du jeune enfant", "m", 0, 900, "P"],
    ["Annuaire des assistantes maternelles", "m", 0, 1300, "PMA"],
    ["Commission d'attribution des places en crèche", "m", 1, 200, "O"],
    ["Demande de place en crèche", "c", 1, 150, "T"],
    ["Réservation en halte-garderie", "c", 1, 110, "T"],
    ["Portail familles – petite enfance", "c", 1, 280, "PM"],
  ]),
  domain("education", "Éducation et restauration scolaire", "education", [
    ["Inscription au transport scolaire", "m", 1, 1500, "TO"],
    ["Carte scolaire – secteurs des écoles", "m", 0, 900, "PA"],
    ["Bourses et aides à la scolarité", "m", 1, 300, "T"],
    ["Inscription scolaire", "c", 1, 240, "T"],
    ["Réservation de la restauration scolaire", "c", 1, 850, "PM"],
    ["Paiement des factures périscolaires", "c", 1, 560, "TM"],
    ["Inscription à l'accueil périscolaire", "c", 1, 300, "T"],
    ["Menus des cantines", "c", 0, 380, "P"],
    ["Inscription au centre de loisirs", "c", 1, 240, "T"],
  ]),
  domain("solidarites", "Action sociale et solidarités", "general", [
    ["Fonds de solidarité logement – demande d'aide", "m", 1, 500, "TO"],
    ["Annuaire de l'action sociale", "m", 0, 700, "PA"],
    ["Simulateur d'accès aux droits", "m", 0, 1500, "PM"],
    ["Aide alimentaire – orientation", "m", 0, 260, "PB"],
    ["Instruction des aides sociales", "m", 1, 400, "O"],
    ["Accueil des gens du voyage", "m", 1, 40, "TO"],
    ["Aide sociale facultative du CCAS", "c", 1, 75, "T"],
    ["Portage de repas à domicile", "c", 1, 35, "T"],
    ["Registre des personnes vulnérables", "c", 1, 30, "T", "summer"],
    ["Téléassistance des seniors", "c", 1, 30, "O"],
  ]),
  domain("habitat", "Habitat et logement social", "general", [
    ["Demande de logement social", "m", 1, 3000, "TPO"],
    ["Aides à la rénovation énergétique", "m", 1, 1500, "TP"],
    ["Signalement d'habitat indigne", "m", 1, 200, "TO"],
    ["Observatoire de l'habitat", "m", 0, 300, "PA"],
    ["Permis de louer", "m", 1, 220, "TO"],
    ["Cotation de la demande de logement social", "m", 0, 250, "PO"],
    ["Déclaration des meublés de tourisme", "c", 1, 55, "T"],
    ["Accueil logement – prise de rendez-vous", "c", 1, 40, "T"],
  ]),
  domain("eau", "Eau et assainissement", "general", [
    ["Paiement de la facture d'eau", "m", 1, 4000, "TMB"],
    ["Signalement de fuite sur le réseau", "m", 1, 300, "TM"],
    ["Qualité de l'eau du robinet", "m", 0, 800, "PA"],
    ["Raccordement au réseau d'assainissement", "m", 1, 160, "TO"],
    ["Relevé de compteur d'eau en ligne", "m", 1, 1000, "TM"],
    ["Contrôle de l'assainissement non collectif", "m", 1, 60, "TO"],
    ["Gestion patrimoniale du réseau d'eau", "m", 0, 150, "O"],
    ["Restrictions d'eau en période de sécheresse", "m", 0, 400, "PA", "summer"],
  ]),
  domain("dechets", "Déchets et propreté", "waste", [
    ["Réservation de créneau en déchèterie", "m", 1, 3000, "TM"],
    ["Demande de bac de collecte", "m", 1, 800, "TO"],
    ["Collecte des encombrants – rendez-vous", "m", 1, 900, "TM"],
    ["Guide du tri des déchets", "m", 0, 1500, "PMA"],
    ["Demande de composteur", "m", 1, 300, "T"],
    ["Redevance spéciale des professionnels", "m", 1, 120, "TO"],
    ["Suivi des tournées de collecte", "m", 0, 300, "OM"],
    ["Jours de collecte", "c", 0, 380, "P"],
    ["Signalement de dépôt sauvage", "c", 1, 90, "T"],
  ]),
  domain("urbanisme", "Urbanisme et autorisations", "general", [
    ["Plan local d'urbanisme intercommunal – consultation", "m", 0, 1800, "PA"],
    ["Cadastre et renseignements d'urbanisme", "m", 0, 1200, "PA"],
    ["Déclaration d'intention d'aliéner", "m", 1, 300, "TO"],
    ["Autorisation de voirie et d'occupation du domaine public", "m", 1, 400, "TO"],
    ["Instruction des autorisations d'urbanisme", "m", 1, 900, "O"],
    ["Numérotation et adressage des voies", "m", 1, 80, "TA"],
    ["Suivi des permis de construire", "c", 1, 140, "T"],
    ["Demande d'arrêté d'alignement", "c", 1, 20, "T"],
    ["Autorisation d'enseigne et de publicité", "c", 1, 20, "T"],
  ]),
  domain("citoyennete", "État civil et citoyenneté", "civil", [
    ["Résultats des élections", "m", 0, 600, "PA"],
    ["Rendez-vous passeport et carte d'identité", "c", 1, 650, "TB"],
    ["Demande d'acte de naissance", "c", 1, 280, "T"],
    ["Demande d'acte de mariage", "c", 1, 60, "T"],
    ["Recensement citoyen", "c", 1, 40, "T"],
    ["Inscription sur les listes électorales", "c", 1, 80, "T"],
    ["Recherche de sépultures dans les cimetières", "c", 0, 50, "PB"],
    ["Dossier de mariage et de PACS", "c", 1, 40, "T"],
  ]),
  domain("sports", "Sports", "sports", [
    ["Billetterie des piscines métropolitaines", "m", 1, 2000, "TMB", "summer"],
    ["Pass sport jeunes", "m", 1, 700, "TM"],
    ["Carte des équipements sportifs", "m", 0, 500, "PMA"],
    ["Réservation d'équipements sportifs", "c", 1, 190, "T"],
    ["Affluence et horaires de la piscine", "c", 0, 480, "P", "summer"],
    ["Inscriptions à l'école municipale des sports", "c", 1, 60, "T"],
  ]),
  domain("democratie", "Démocratie participative", "general", [
    ["Plateforme de participation citoyenne", "m", 1, 1500, "PM"],
    ["Budget participatif – dépôt et vote des projets", "m", 1, 800, "TM"],
    ["Consultations publiques", "m", 1, 600, "PA"],
    ["Retransmission du conseil métropolitain", "m", 0, 700, "PM"],
    ["Conseils de quartier", "c", 0, 40, "P"],
  ]),
  domain("economie", "Économie et emploi", "general", [
    ["Plateforme des marchés publics", "m", 1, 2000, "TA"],
    ["Aides aux entreprises", "m", 1, 400, "TO"],
    ["Annuaire des zones d'activités", "m", 0, 300, "PA"],
    ["Candidature en pépinière d'entreprises", "m", 1, 50, "T"],
    ["Guichet unique des entreprises", "m", 1, 600, "TP"],
    ["Emplacements sur les marchés de plein air", "c", 1, 30, "T"],
    ["Annuaire des commerces de proximité", "c", 0, 150, "P"],
  ]),
  domain("environnement", "Environnement et climat", "general", [
    ["Qualité de l'air", "m", 0, 1500, "PMA", "summer"],
    ["Plan climat – engagements et suivi", "m", 0, 200, "PA"],
    ["Cartographie du bruit", "m", 0, 150, "PA"],
    ["Signalement de nuisibles", "m", 1, 200, "TM", "summer"],
    ["Inventaire des arbres et espaces verts", "m", 0, 300, "PA"],
    ["Aide à l'achat de vélos", "m", 1, 900, "T"],
    ["Défi familles à énergie positive", "m", 1, 150, "PM"],
    ["Jardins partagés – inscription", "c", 1, 20, "T"],
    ["Permis de végétaliser", "c", 1, 30, "T"],
  ]),
  domain("sante", "Santé", "general", [
    ["Rendez-vous dans les centres de vaccination", "m", 1, 600, "TM"],
    ["Annuaire des maisons de santé", "m", 0, 400, "PMA"],
    ["Alertes de santé environnementale", "m", 0, 150, "PM", "summer"],
    ["Prévention santé des jeunes", "m", 0, 120, "PM"],
    ["Rendez-vous au centre municipal de santé", "c", 1, 180, "T"],
    ["Signalement d'insalubrité", "c", 1, 25, "T"],
  ]),
  domain("securite", "Sécurité et prévention", "general", [
    ["Inscription aux alertes des risques majeurs", "m", 1, 500, "TM"],
    ["Information sur les risques majeurs", "m", 0, 300, "PA"],
    ["Main courante de gestion de crise", "m", 1, 30, "O"],
    ["Opération tranquillité vacances", "c", 1, 70, "T", "summer"],
    ["Signalements à la police municipale", "c", 1, 60, "T"],
    ["Demandes d'images de vidéoprotection", "c", 1, 5, "O"],
  ]),
  domain("tourisme", "Tourisme", "tourism", [
    ["City pass – billetterie", "m", 1, 1500, "TMB"],
    ["Déclaration de la taxe de séjour", "m", 1, 800, "TO"],
    ["Réservation de visites guidées", "m", 1, 600, "TM"],
    ["Aires d'accueil des camping-cars", "m", 0, 150, "PMA"],
    ["Réservation d'hébergements touristiques", "m", 1, 1200, "PM"],
    ["Patrimoine et circuits de visite", "c", 0, 60, "P"],
  ]),
  domain("finances", "Finances et fiscalité locale", "fiscal", [
    ["Paiement en ligne des factures", "m", 1, 3000, "TB"],
    ["Budget et comptes – données ouvertes", "m", 0, 200, "PA"],
    ["Déclaration de la taxe locale sur la publicité extérieure", "m", 1, 40, "T"],
    ["Demande de subvention des associations", "m", 1, 400, "TO"],
    ["Tableau de bord de l'exécution budgétaire", "m", 0, 200, "O"],
    ["Facturation des droits de place", "c", 1, 20, "O"],
    ["Subventions municipales aux associations", "c", 1, 30, "T"],
  ]),
  domain("relation", "Relation usagers", "general", [
    ["Traitement des demandes du centre de contact", "m", 1, 1500, "O"],
    ["Assistant conversationnel d'information", "m", 0, 800, "PM"],
    ["Prise de rendez-vous en mairie", "c", 1, 250, "T"],
    ["Formulaire de contact de la mairie", "c", 1, 120, "T"],
    ["Site internet de la commune", "c", 0, 2500, "P"],
    ["Lettre d'information municipale", "c", 0, 200, "P"],
    ["Foire aux questions des usagers", "m", 0, 900, "PM"],
  ]),
  domain("interne", "Services internes", "internal", [
    ["Système d'information des ressources humaines", "i", 1, 4000, "PO"],
    ["Paie et déclarations sociales", "i", 1, 1000, "O"],
    ["Gestion financière et comptable", "i", 1, 2000, "O"],
    ["Gestion du courrier", "i", 1, 1200, "O"],
    ["Gestion des congés et absences", "i", 1, 3000, "PM"],
    ["Notes de frais", "i", 1, 600, "PM"],
    ["Parapheur électronique", "i", 1, 1500, "PO"],
    ["Gestion électronique des documents", "i", 0, 2500, "PO"],
    ["Portail de demandes au service desk DSI", "i", 1, 3000, "PM"],
    ["Formation des agents", "i", 1, 500, "P"],
    ["Gestion du patrimoine bâti", "i", 1, 600, "O"],
    ["Gestion de la flotte automobile", "i", 1, 200, "OM"],
    ["Délibérations et actes administratifs", "i", 1, 400, "O"],
    ["Rédaction et suivi des marchés publics", "i", 1, 800, "O"],
    ["Système d'information géographique", "i", 0, 1500, "PA"],
    ["Entrepôt de données décisionnel", "i", 0, 300, "O"],
    ["Annuaire et téléphonie", "i", 0, 800, "PM"],
    ["Gestion des interventions techniques", "i", 1, 900, "MO"],
    ["Réservation de salles et de véhicules", "i", 1, 700, "P"],
    ["Gestion des temps et des plannings", "i", 1, 1500, "PM"],
    ["Recrutement et suivi des candidatures", "i", 1, 600, "O"],
    ["Entretiens professionnels annuels", "i", 1, 400, "P"],
    ["Gestion des habilitations et des comptes", "i", 1, 300, "O"],
    ["Supervision du système d'information", "i", 0, 250, "O"],
    ["Visioconférence et messagerie instantanée", "i", 0, 6000, "PM"],
    ["Espace collaboratif des projets", "i", 1, 1800, "P"],
    ["Gestion des stocks et des magasins", "i", 1, 300, "O"],
    ["Gestion des assurances et des sinistres", "i", 1, 80, "O"],
    ["Instruction des subventions", "i", 1, 300, "O"],
    ["Tableaux de bord de pilotage", "i", 0, 500, "P"],
    ["Gestion de la relation usagers (CRM)", "i", 1, 2500, "O"],
    ["Planification des équipes de terrain", "i", 1, 400, "OM"],
    ["Archivage électronique", "i", 1, 150, "O"],
  ]),
];

/** Audiences that split a métropole-wide service ("" = the service for everyone). */
export const METROPOLE_VARIANTS: readonly string[] = ["", "particuliers", "professionnels", "partenaires"];

/** Territorial units and satellite bodies that run their own instance of an internal tool ("" = the central one). */
export const INTERNAL_VARIANTS: readonly string[] = [
  "",
  "pôle territorial Nord",
  "pôle territorial Sud",
  "pôle territorial Est",
  "pôle territorial Ouest",
  "Régie de l'eau",
  "CCAS",
  "Office de tourisme",
];

/** The few services everyone uses (DESIGN.md §3 "heavy-tailed usage"); always the first ones of the catalogue. */
export interface FlagshipService {
  name: string;
  domainKey: string;
  description: string;
  /** Median visits per month. */
  medianVisits: number;
  transactional: boolean;
  mobileShare: number;
  hosting: "vcpu" | "server" | "unknown";
  criticality: 1 | 2;
}

export const FLAGSHIPS: readonly FlagshipService[] = [
  {
    name: "Transports en commun – appli mobile et horaires en temps réel",
    domainKey: "mobilite",
    description: "Horaires en temps réel, calcul d'itinéraire et achat de titres du réseau de transports en commun.",
    medianVisits: 1_900_000,
    transactional: true,
    mobileShare: 0.9,
    hosting: "unknown",
    criticality: 1,
  },
  {
    name: "Site internet de Rivemont Métropole",
    domainKey: "relation",
    description: "Site institutionnel : actualités, démarches, équipements et informations pratiques.",
    medianVisits: 950_000,
    transactional: false,
    mobileShare: 0.62,
    hosting: "vcpu",
    criticality: 1,
  },
  {
    name: "Calendrier de collecte des déchets et guide du tri",
    domainKey: "dechets",
    description: "Jours de collecte à l'adresse, rappels et consignes de tri.",
    medianVisits: 320_000,
    transactional: false,
    mobileShare: 0.8,
    hosting: "vcpu",
    criticality: 2,
  },
  {
    name: "Portail Famille – restauration scolaire et périscolaire",
    domainKey: "education",
    description: "Réservation des repas et de l'accueil périscolaire, paiement des factures.",
    medianVisits: 260_000,
    transactional: true,
    mobileShare: 0.7,
    hosting: "unknown",
    criticality: 1,
  },
  {
    name: "Vélos en libre-service – appli et stations",
    domainKey: "mobilite",
    description: "Disponibilité des vélos, abonnement et déverrouillage.",
    medianVisits: 420_000,
    transactional: true,
    mobileShare: 0.9,
    hosting: "unknown",
    criticality: 2,
  },
  {
    name: "Paiement du stationnement sur voirie",
    domainKey: "mobilite",
    description: "Paiement à la minute et forfaits post-stationnement.",
    medianVisits: 300_000,
    transactional: true,
    mobileShare: 0.88,
    hosting: "unknown",
    criticality: 1,
  },
  {
    name: "Catalogue et compte lecteur du réseau des bibliothèques",
    domainKey: "culture",
    description: "Recherche dans le catalogue commun, réservations et prolongations.",
    medianVisits: 180_000,
    transactional: true,
    mobileShare: 0.55,
    hosting: "server",
    criticality: 2,
  },
  {
    name: "Compte usager Rivemont Métropole (connexion unique)",
    domainKey: "relation",
    description: "Identification unique et suivi des démarches en ligne.",
    medianVisits: 240_000,
    transactional: true,
    mobileShare: 0.6,
    hosting: "vcpu",
    criticality: 1,
  },
  {
    name: "Espace abonné de la régie de l'eau",
    domainKey: "eau",
    description: "Consommation, mensualisation et paiement des factures d'eau.",
    medianVisits: 120_000,
    transactional: true,
    mobileShare: 0.5,
    hosting: "server",
    criticality: 2,
  },
  {
    name: "Office de tourisme – site de destination",
    domainKey: "tourisme",
    description: "Que voir, que faire, où dormir : le site de destination de la métropole.",
    medianVisits: 210_000,
    transactional: false,
    mobileShare: 0.7,
    hosting: "vcpu",
    criticality: 2,
  },
  {
    name: "Offres d'emploi et candidatures de la Métropole",
    domainKey: "economie",
    description: "Offres d'emploi, de stage et d'apprentissage ; dépôt des candidatures.",
    medianVisits: 95_000,
    transactional: true,
    mobileShare: 0.55,
    hosting: "unknown",
    criticality: 2,
  },
  {
    name: "Dépôt en ligne des autorisations d'urbanisme",
    domainKey: "urbanisme",
    description: "Guichet numérique des autorisations d'urbanisme (obligation légale depuis 2022).",
    medianVisits: 45_000,
    transactional: true,
    mobileShare: 0.35,
    hosting: "server",
    criticality: 1,
  },
  {
    name: "Intranet des agents",
    domainKey: "interne",
    description: "Actualités internes, annuaire et accès aux outils des agents.",
    medianVisits: 150_000,
    transactional: false,
    mobileShare: 0.3,
    hosting: "server",
    criticality: 2,
  },
  {
    name: "Signalements dans l'espace public (propreté, voirie, éclairage)",
    domainKey: "relation",
    description: "Signaler un problème sur l'espace public et suivre son traitement.",
    medianVisits: 60_000,
    transactional: true,
    mobileShare: 0.85,
    hosting: "vcpu",
    criticality: 2,
  },
];
