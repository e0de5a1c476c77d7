// Every word of the report in French (the default: the reference user is a French metropolitan authority) and in
// English, chosen by `report.language`. Sentences with figures are functions of already formatted strings, so word
// order follows each language.
import type { CarbonGrade, ConfidenceLevel, UsageStatus } from "../domain/estimate.js";
import type { ReportLanguage, Segment } from "./report-data.js";

export type { ReportLanguage } from "./report-data.js";

export interface Labels {
  title: string;
  subtitle: string;
  contents: string;
  skipToContent: string;
  window(first: string, last: string): string;
  noWindow: string;
  generatedOn(when: string): string;
  methodLine(methods: string): string;

  sections: {
    totals: string;
    segments: string;
    trend: string;
    top: string;
    perVisit: string;
    domains: string;
    grades: string;
    confidence: string;
    usage: string;
    retirement: string;
    method: string;
  };

  kpi: {
    co2eYear: string;
    perInhabitant: string;
    perInhabitantMissing: string;
    energy: string;
    visits: string;
    gPerVisit: string;
    services: string;
    lastMonth(month: string): string;
    candidates: string;
  };
  units: {
    tCo2e: string;
    kgCo2e: string;
    gCo2e: string;
    mwh: string;
    tPerYear: string;
    kgPerYear: string;
    gPerVisit: string;
    services: string;
    percent: string;
  };
  excluded(retired: string, deleted: string, without: string): string;
  totalsNote: string;

  segment: Record<Segment, string>;
  operational: string;
  embodied: string;
  total: string;
  share: string;
  segmentsCaption: string;
  segmentsDesc(devicesShare: string, embodiedShare: string): string;
  segmentsNote(largest: string, share: string): string;

  month: string;
  visits: string;
  servicesCount: string;
  yearBand: string;
  earlierMonths: string;
  trendCaption: string;
  trendDesc(first: string, last: string, months: number): string;
  trendNote: string;

  rank: string;
  service: string;
  domain: string;
  grade: string;
  confidence: string;
  usage: string;
  owner: string;
  topCaption(n: number): string;
  topDesc(n: number, share: string): string;
  topNote: string;

  perVisitCaption(n: number): string;
  perVisitDesc(n: number): string;
  perVisitNote: string;

  domainsCaption: string;
  domainsDesc(n: number): string;

  gradeName(grade: CarbonGrade | null): string;
  gradesCaption: string;
  gradesDesc: string;
  gradesNote: string;

  levelName(level: ConfidenceLevel | null): string;
  confidenceCaption: string;
  confidenceDesc(highShare: string): string;
  confidenceNote: string;

  statusName(status: UsageStatus): string;
  usageCaption: string;
  usageDesc: string;
  usageNote(underused: string): string;

  retirementSummary(services: string, tonnes: string, share: string): string;
  retirementListed(shown: string, total: string): string;
  retirementNote: string;
  retirementNone: string;
  noOwner: string;

  method: {
    intro(methods: string): string;
    run(id: number, kind: string, when: string): string;
    noRun: string;
    points: string[];
    pointer: string;
  };
  footer: string;
  chartTable: string;
}

const fr: Labels = {
  title: "Empreinte carbone des services numériques",
  subtitle: "Rapport pour la direction des systèmes d'information",
  contents: "Sommaire",
  skipToContent: "Aller au contenu",
  window: (first, last) => `12 mois complets, de ${first} à ${last}`,
  noWindow: "aucune estimation",
  generatedOn: (when) => `Généré le ${when}`,
  methodLine: (methods) => `méthode ${methods}`,
  sections: {
    totals: "Chiffres clés",
    segments: "D'où viennent les émissions",
    trend: "Évolution mois par mois",
    top: "Les services qui pèsent le plus",
    perVisit: "Carbone par visite",
    domains: "Par domaine",
    grades: "Notes de A à G",
    confidence: "Fiabilité des chiffres",
    usage: "Utile, utilisable, utilisé",
    retirement: "Candidats au retrait",
    method: "Méthode et sources",
  },
  kpi: {
    co2eYear: "Émissions sur 12 mois",
    perInhabitant: "Par habitant et par an",
    perInhabitantMissing: "renseignez report.population dans la configuration pour l'afficher",
    energy: "Énergie consommée",
    visits: "Visites",
    gPerVisit: "Par visite, en moyenne",
    services: "Services en fonctionnement",
    lastMonth: (month) => `Dernier mois (${month})`,
    candidates: "Candidats au retrait",
  },
  units: {
    tCo2e: "t CO2e",
    kgCo2e: "kg CO2e",
    gCo2e: "g CO2e",
    mwh: "MWh",
    tPerYear: "t CO2e/an",
    kgPerYear: "kg CO2e/an",
    gPerVisit: "g CO2e/visite",
    services: "services",
    percent: "%",
  },
  excluded: (retired, deleted, without) =>
    `Ne sont pas comptés : ${retired} services retirés, ${deleted} supprimés de l'instance, ${without} sans estimation.`,
  totalsNote:
    "Somme des estimations des services en fonctionnement sur les 12 derniers mois complets. Ce sont des estimations pour comparer des services et suivre des tendances, pas un bilan carbone audité.",
  segment: { devices: "Terminaux des usagers", network: "Réseau", dataCentre: "Centre de données" },
  operational: "Fonctionnement (électricité)",
  embodied: "Fabrication (part amortie)",
  total: "Total",
  share: "Part",
  segmentsCaption: "Émissions sur 12 mois par segment, fonctionnement et fabrication (t CO2e)",
  segmentsDesc: (devicesShare, embodiedShare) =>
    `Barres horizontales empilées. Les terminaux des usagers font ${devicesShare} % du total ; la fabrication des équipements ${embodiedShare} %.`,
  segmentsNote: (largest, share) =>
    `Le segment le plus lourd est « ${largest} » (${share} % du total). La fabrication est la part de la fabrication des équipements, répartie sur leur durée de vie. Le centre de données compte l'hébergement déclaré même quand personne ne visite le service ; pour les terminaux, c'est la fabrication qui domine, et un service léger et rapide à utiliser réduit ce poste.`,
  month: "Mois",
  visits: "Visites",
  servicesCount: "Services",
  yearBand: "12 mois du rapport",
  earlierMonths: "Mois précédents",
  trendCaption: "Émissions mensuelles du portefeuille (t CO2e)",
  trendDesc: (first, last, months) =>
    `Colonnes, une par mois, ${months} mois de ${first} à ${last} ; la bande grisée marque les 12 mois des totaux.`,
  trendNote:
    "Chaque mois additionne les services aujourd'hui en fonctionnement : un service retiré disparaît aussi des mois passés. La courbe suit l'usage et l'hébergement de ce portefeuille, pas l'histoire du catalogue.",
  rank: "Rang",
  service: "Service",
  domain: "Domaine",
  grade: "Note",
  confidence: "Confiance",
  usage: "Usage",
  owner: "Responsable (sys_id)",
  topCaption: (n) => `Les ${n} services aux plus fortes émissions sur 12 mois (kg CO2e)`,
  topDesc: (n, share) => `Barres horizontales, une par service ; ces ${n} services font ${share} % du total.`,
  topNote: "Un fort total vient d'un fort usage ou d'un hébergement lourd ; la colonne g/visite dit lequel.",
  perVisitCaption: (n) => `Les ${n} services utilisés au plus fort carbone par visite (g CO2e par visite)`,
  perVisitDesc: (n) => `Barres horizontales, une par service, ${n} services.`,
  perVisitNote:
    "Parmi les services utilisés seulement : un service inutilisé ou sous-utilisé répartit son hébergement sur très peu de visites (il figure dans les candidats au retrait).",
  domainsCaption: "Émissions sur 12 mois par domaine (t CO2e)",
  domainsDesc: (n) => `Barres horizontales, une par domaine, ${n} domaines.`,
  gradeName: (g) => (g === null ? "sans note" : g),
  gradesCaption: "Services par note, de A (pages légères) à G (pages lourdes)",
  gradesDesc: "Colonnes, une par note de A à G, plus les services sans note (sans pages vues).",
  gradesNote:
    "La note mesure le poids moyen d'une page vue, indépendamment du lieu : A jusqu'à 0,27 Mo environ, D 1,41 Mo, F 2,42 Mo ; une page web médiane de 2024 est notée F.",
  levelName: (l) => (l === null ? "non calculée" : { HIGH: "élevée", MEDIUM: "moyenne", LOW: "faible" }[l]),
  confidenceCaption: "Émissions sur 12 mois selon la confiance de l'estimation (t CO2e)",
  confidenceDesc: (highShare) =>
    `Barres horizontales, une par niveau ; ${highShare} % des émissions reposent sur une estimation de confiance élevée.`,
  confidenceNote:
    "Élevée : l'essentiel repose sur des données mesurées du service ; moyenne : un mélange ; faible : surtout des valeurs par défaut, le chiffre décrit un service typique de ce nombre de visites plutôt que ce service-là.",
  statusName: (s) =>
    ({ used: "utilisé", underused: "sous-utilisé", unused: "inutilisé", "no-data": "sans données" })[s] ?? s,
  usageCaption: "Services selon leur usage sur 12 mois",
  usageDesc: "Barres horizontales, une par statut d'usage.",
  usageNote: (underused) =>
    `Inutilisé : 0 visite chacun des 3 derniers mois ; sous-utilisé : moins de ${underused} visites par mois en moyenne ; sans données : aucune mesure d'usage sur l'année.`,
  retirementSummary: (services, tonnes, share) =>
    `${services} services inutilisés ou sous-utilisés sont encore en fonctionnement ; ils émettent ${tonnes} t CO2e par an, soit ${share} % du total.`,
  retirementListed: (shown, total) => `Les ${shown} premiers sur ${total} sont listés ; l'export CSV les donne tous.`,
  retirementNote:
    "À examiner avec leur responsable : un service peu visité peut rester utile (obligation légale, saisonnalité). Le responsable est l'identifiant sys_id de la fiche utilisateur (sys_user) dans l'instance.",
  retirementNone: "Aucun service inutilisé ou sous-utilisé en fonctionnement.",
  noOwner: "aucun",
  method: {
    intro: (methods) => `Estimations par la méthode ${methods}.`,
    run: (id, kind, when) => `Calculées par l'exécution n° ${id} (${kind}) terminée le ${when}.`,
    noRun: "Le journal des exécutions ne dit pas quand elles ont été calculées.",
    points: [
      "Structure de la Software Carbon Intensity (ISO/IEC 21031:2024) : pour chaque service et chaque mois, l'électricité consommée multipliée par l'intensité carbone du réseau (fonctionnement), plus une part de la fabrication des équipements (fabrication), sur trois segments : terminaux des usagers, réseau, centre de données.",
      "Les totaux annuels sont la somme des 12 mois complets avant l'exécution ; le mois en cours n'est jamais compté.",
      "La note A–G est la notation Sustainable Web Design v4 de la page vue moyenne, décalée d'une lettre.",
      "La confiance pondère chaque donnée d'entrée selon sa qualité (mesurée 1, déclarée 0,6, par défaut 0,2) et chaque segment par ses grammes.",
      "Limites : gaz à effet de serre seulement ; ni postes des agents, ni environnements de test, ni sauvegardes sauf s'ils sont déclarés ; réseaux et réseaux électriques en moyennes annuelles.",
    ],
    pointer:
      "La méthode complète, chaque facteur, sa source et ses incertitudes : docs/methodology.md dans le dépôt d'empreinte.",
  },
  footer: "Rapport produit par empreinte à partir de son cache local ; il ne charge rien à l'ouverture.",
  chartTable: "Valeurs du graphique",
};

const en: Labels = {
  title: "Carbon footprint of digital services",
  subtitle: "Report for the CIO",
  contents: "Contents",
  skipToContent: "Skip to content",
  window: (first, last) => `12 complete months, ${first} to ${last}`,
  noWindow: "no estimates",
  generatedOn: (when) => `Generated on ${when}`,
  methodLine: (methods) => `method ${methods}`,
  sections: {
    totals: "Key figures",
    segments: "Where the emissions come from",
    trend: "Month by month",
    top: "The services that weigh most",
    perVisit: "Carbon per visit",
    domains: "By domain",
    grades: "Grades A to G",
    confidence: "How far the figures can be trusted",
    usage: "Useful, usable, used",
    retirement: "Retirement candidates",
    method: "Method and sources",
  },
  kpi: {
    co2eYear: "Emissions over 12 months",
    perInhabitant: "Per inhabitant per year",
    perInhabitantMissing: "set report.population in the configuration to show it",
    energy: "Energy used",
    visits: "Visits",
    gPerVisit: "Per visit, on average",
    services: "Services in operation",
    lastMonth: (month) => `Last month (${month})`,
    candidates: "Retirement candidates",
  },
  units: {
    tCo2e: "t CO2e",
    kgCo2e: "kg CO2e",
    gCo2e: "g CO2e",
    mwh: "MWh",
    tPerYear: "t CO2e/year",
    kgPerYear: "kg CO2e/year",
    gPerVisit: "g CO2e/visit",
    services: "services",
    percent: "%",
  },
  excluded: (retired, deleted, without) =>
    `Not counted: ${retired} retired services, ${deleted} deleted on the instance, ${without} without an estimate.`,
  totalsNote:
    "Sum of the estimates of the services in operation over the last 12 complete months. These are estimates for comparing services and following trends, not an audited carbon account.",
  segment: { devices: "User devices", network: "Network", dataCentre: "Data centre" },
  operational: "Operational (electricity)",
  embodied: "Embodied (manufacturing share)",
  total: "Total",
  share: "Share",
  segmentsCaption: "Emissions over 12 months by segment, operational and embodied (t CO2e)",
  segmentsDesc: (devicesShare, embodiedShare) =>
    `Stacked horizontal bars. User devices are ${devicesShare}% of the total; manufacturing the equipment ${embodiedShare}%.`,
  segmentsNote: (largest, share) =>
    `The heaviest segment is "${largest}" (${share}% of the total). Embodied is the share of manufacturing the equipment, spread over its life. The data centre counts declared hosting even when nobody visits the service; for devices, manufacturing dominates, and a service that is light and quick to use lowers it.`,
  month: "Month",
  visits: "Visits",
  servicesCount: "Services",
  yearBand: "12 months of the report",
  earlierMonths: "Earlier months",
  trendCaption: "Monthly emissions of the portfolio (t CO2e)",
  trendDesc: (first, last, months) =>
    `Columns, one per month, ${months} months from ${first} to ${last}; the shaded band marks the 12 months of the totals.`,
  trendNote:
    "Each month adds up the services in operation today: a retired service also leaves the past months. The series follows the use and hosting of this portfolio, not the history of the catalogue.",
  rank: "Rank",
  service: "Service",
  domain: "Domain",
  grade: "Grade",
  confidence: "Confidence",
  usage: "Usage",
  owner: "Owner (sys_id)",
  topCaption: (n) => `The ${n} services with the largest emissions over 12 months (kg CO2e)`,
  topDesc: (n, share) => `Horizontal bars, one per service; these ${n} services are ${share}% of the total.`,
  topNote: "A large total comes from heavy use or heavy hosting; the g/visit column tells which.",
  perVisitCaption: (n) => `The ${n} used services with the most carbon per visit (g CO2e per visit)`,
  perVisitDesc: (n) => `Horizontal bars, one per service, ${n} services.`,
  perVisitNote:
    "Used services only: an unused or underused service spreads its hosting over very few visits (it is listed among the retirement candidates).",
  domainsCaption: "Emissions over 12 months by domain (t CO2e)",
  domainsDesc: (n) => `Horizontal bars, one per domain, ${n} domains.`,
  gradeName: (g) => (g === null ? "no grade" : g),
  gradesCaption: "Services by grade, from A (light pages) to G (heavy pages)",
  gradesDesc: "Columns, one per grade from A to G, plus the services without a grade (no page views).",
  gradesNote:
    "The grade rates the average page view's weight, wherever the service is hosted: A up to about 0.27 MB, D 1.41 MB, F 2.42 MB; a median web page of 2024 is an F.",
  levelName: (l) => (l === null ? "not computed" : { HIGH: "high", MEDIUM: "medium", LOW: "low" }[l]),
  confidenceCaption: "Emissions over 12 months by confidence of the estimate (t CO2e)",
  confidenceDesc: (highShare) =>
    `Horizontal bars, one per level; ${highShare}% of the emissions rest on a high-confidence estimate.`,
  confidenceNote:
    "High: most of it rests on the service's measured data; medium: a mix; low: mostly defaults, the figure describes a typical service with these visits rather than this one.",
  statusName: (s) => ({ used: "used", underused: "underused", unused: "unused", "no-data": "no data" })[s] ?? s,
  usageCaption: "Services by their use over 12 months",
  usageDesc: "Horizontal bars, one per usage status.",
  usageNote: (underused) =>
    `Unused: 0 visits in each of the last 3 months; underused: fewer than ${underused} visits a month on average; no data: no usage measured in the year.`,
  retirementSummary: (services, tonnes, share) =>
    `${services} unused or underused services are still in operation; they emit ${tonnes} t CO2e a year, ${share}% of the total.`,
  retirementListed: (shown, total) => `The first ${shown} of ${total} are listed; the CSV export gives them all.`,
  retirementNote:
    "To review with their owner: a little-visited service may still be needed (a legal duty, a season). The owner is the sys_id of the user record (sys_user) on the instance.",
  retirementNone: "No unused or underused service in operation.",
  noOwner: "none",
  method: {
    intro: (methods) => `Estimates by the method ${methods}.`,
    run: (id, kind, when) => `Computed by run #${id} (${kind}) finished on ${when}.`,
    noRun: "The run log does not say when they were computed.",
    points: [
      "The structure of the Software Carbon Intensity (ISO/IEC 21031:2024): for each service and month, the electricity used times the grid's carbon intensity (operational), plus a share of manufacturing the equipment (embodied), over three segments: user devices, network, data centre.",
      "Yearly totals are the sum of the 12 complete months before the run; the current month is never counted.",
      "The A–G grade is the Sustainable Web Design v4 rating of the average page view, shifted by one letter.",
      "Confidence weighs each input by its quality (measured 1, declared 0.6, default 0.2) and each segment by its grams.",
      "Limits: greenhouse gases only; no staff workstations, test environments or backups unless declared; networks and grids as annual averages.",
    ],
    pointer:
      "The full method, every factor, its source and its uncertainty: docs/methodology.md in the empreinte repository.",
  },
  footer: "Report produced by empreinte from its local cache; it loads nothing when opened.",
  chartTable: "Values of the chart",
};

export function labelsFor(language: ReportLanguage): Labels {
  return language === "en" ? en : fr;
}
