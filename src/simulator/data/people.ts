// Name lists for the seeded `sys_user` records: common French first and last names (INSEE frequency lists give
// the flavour; the combinations are arbitrary and describe no one).

export const FIRST_NAMES: readonly string[] = [
  "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Claire", "Sophie",
  "Nathalie", "Isabelle", "Sandrine", "Céline", "Aurélie", "Émilie", "Marion", "Laure", "Hélène", "Agnès",
  "Fatima", "Nadia", "Amina", "Mélanie", "Élodie", "Thomas", "Nicolas", "Julien", "Maxime", "Antoine",
  "Alexandre", "Pierre", "Olivier", "Sébastien", "Christophe", "Laurent", "Stéphane", "Frédéric", "David", "Éric",
  "Mathieu", "Guillaume", "Romain", "Karim", "Mehdi", "Yann", "Benoît", "François", "Jérôme", "Hugo",
];

export const LAST_NAMES: readonly string[] = [
  "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
  "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
  "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
  "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
  "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
  "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
  "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand",
  "Dufour", "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin",
  "Benali", "Haddad", "Diallo", "Traoré", "Le Gall", "Le Goff", "Kerjean", "Etcheverry", "Lacombe", "Vidal",
];
