// The demo's listings in more than one language (issue 16), keyed by the English title the
// seed data gives each offer. Italian co-ops write their listings in Italian: for those, the
// Italian text becomes the offer's own (offers.language 'it') and the seed's English text its
// English translation. Other producers add titles and short descriptions in the languages of
// their buyers. Written by hand, as a producer would.

export interface Text {
  title: string
  description: string
}

/** Offers written in Italian, with the seed's English kept as their English translation. */
export const italianOriginals: Record<string, Text> = {
  'Merino wool blanket, undyed grey': {
    title: 'Coperta in lana merino, grigio naturale',
    description: 'Lana merino non tinta, filata e tessuta in cooperativa. Calda, leggera e lavabile a mano.',
  },
  'Linen bed sheet set, double': {
    title: 'Completo lenzuola in lino, matrimoniale',
    description: 'Lenzuolo, sotto con angoli e due federe in lino lavato. Fresco d’estate, caldo d’inverno.',
  },
  'Hemp canvas by the metre, 280 g/m²': {
    title: 'Tela di canapa al metro, 280 g/m²',
    description: 'Tela robusta di canapa italiana, altezza 150 cm. Adatta a borse, grembiuli e tappezzeria.',
  },
  'Herringbone wool scarf': {
    title: 'Sciarpa di lana a spina di pesce',
    description: 'Tessuta a mano con lana di pecore biellesi, frange annodate una a una.',
  },
  'Linen napkins, set of 4': { title: 'Tovaglioli in lino, set da 4', description: 'Lino lavato con orlo a giorno, 45 × 45 cm.' },
  'Organic durum wheat pasta, 1 kg': {
    title: 'Pasta di grano duro biologico, 1 kg',
    description: 'Trafilata al bronzo ed essiccata lentamente, con grano dei soci della cooperativa.',
  },
  'Senatore Cappelli spaghetti, 500 g': {
    title: 'Spaghetti di Senatore Cappelli, 500 g',
    description: 'Grano antico coltivato in Puglia, trafilatura al bronzo, essiccazione a bassa temperatura.',
  },
  'Wholegrain orecchiette, 500 g': {
    title: 'Orecchiette integrali, 500 g',
    description: 'Fatte con semola integrale macinata a pietra, come si fanno a casa.',
  },
  'Taralli with fennel seed, 250 g': {
    title: 'Taralli al finocchietto, 250 g',
    description: 'Impastati con olio extravergine e vino bianco, bolliti e poi cotti al forno.',
  },
  'Durum wheat semola rimacinata, 5 kg': {
    title: 'Semola rimacinata di grano duro, 5 kg',
    description: 'Per pane, pasta fresca e focacce. Macinata in cooperativa ogni settimana.',
  },
  'Pasta tasting box, 6 shapes': {
    title: 'Cassetta degustazione, 6 formati di pasta',
    description: 'Sei formati dei nostri grani, con le ricette consigliate dai soci.',
  },
  'Extra virgin olive oil, Tonda Iblea, 750 ml': {
    title: 'Olio extravergine di oliva, Tonda Iblea, 750 ml',
    description: 'Monocultivar dei Monti Iblei, frangitura a freddo entro dodici ore dalla raccolta.',
  },
  'Extra virgin olive oil, 3 l tin': {
    title: 'Olio extravergine di oliva, latta da 3 l',
    description: 'Il nostro olio di tutti i giorni, nella latta che lo protegge dalla luce.',
  },
  'Green olives in brine, 500 g': {
    title: 'Olive verdi in salamoia, 500 g',
    description: 'Olive raccolte a mano e conservate in salamoia con finocchietto selvatico.',
  },
  'Olive oil soap bars, pack of 3': {
    title: 'Saponette all’olio di oliva, confezione da 3',
    description: 'Sapone fatto a freddo con il nostro olio, senza profumi aggiunti.',
  },
  'Vegetable seedlings tray, 24 plants': {
    title: 'Vassoio di piantine da orto, 24 piante',
    description: 'Piantine di stagione coltivate negli orti sociali, pronte da trapiantare.',
  },
  'Tomato passata, 700 g': {
    title: 'Passata di pomodoro, 700 g',
    description: 'Pomodori raccolti e trasformati in giornata dalle persone che lavorano negli orti.',
  },
  'Calendula salve, 50 ml': {
    title: 'Unguento alla calendula, 50 ml',
    description: 'Fiori di calendula del nostro orto macerati in olio d’oliva e cera d’api.',
  },
  'Chamomile flowers, 50 g': { title: 'Fiori di camomilla, 50 g', description: 'Capolini interi essiccati all’ombra, per tisane rilassanti.' },
}

type Translations = Partial<Record<'it' | 'fr' | 'de' | 'es', Text>>

/** Translations of offers written in English. */
export const translations: Record<string, Translations> = {
  'Hemp canvas by the metre, 280 g/m²': {
    de: { title: 'Hanfleinen als Meterware, 280 g/m²', description: 'Robustes Gewebe aus italienischem Hanf, 150 cm breit.' },
  },
  'Shared inbox for small organisations': {
    it: {
      title: 'Casella di posta condivisa per piccole organizzazioni',
      description: 'Un’unica casella per tutto il gruppo, con assegnazioni e note interne.',
    },
  },
  'Rota planner for worker co-ops': {
    it: { title: 'Pianificatore dei turni per cooperative di lavoro', description: 'Turni decisi insieme, con scambi e disponibilità.' },
    es: { title: 'Planificador de turnos para cooperativas de trabajo', description: 'Turnos decididos en común, con cambios y disponibilidades.' },
  },
  'Cooperative bookkeeping templates': {
    fr: { title: 'Modèles de comptabilité coopérative', description: 'Tableurs pour tenir les comptes et répartir les excédents.' },
  },
  'Open-source point of sale for food co-ops': {
    it: { title: 'Cassa open source per cooperative alimentari', description: 'Vendita a peso, prezzi per soci e inventario.' },
    fr: { title: 'Caisse libre pour épiceries coopératives', description: 'Vente au poids, prix membres et inventaire.' },
  },
  'Field guide to European worker co-ops, hardback': {
    it: { title: 'Guida alle cooperative di lavoro europee, rilegata', description: 'Cento cooperative, dieci paesi, una mappa.' },
  },
  'Olive leaf herbal tea, 100 g': {
    de: { title: 'Olivenblättertee, 100 g', description: 'Getrocknete Blätter aus unseren Hainen auf den Monti Iblei.' },
  },
  'Heather honey, 250 g': {
    de: { title: 'Heidehonig, 250 g', description: 'Kräftiger Herbsthonig aus der Heideblüte.' },
  },
  'Raw honeycomb, 400 g': {
    fr: { title: 'Rayon de miel brut, 400 g', description: 'Découpé directement dans le cadre, sans extraction.' },
  },
  'Linen yarn, natural, 100 g skein': {
    fr: { title: 'Fil de lin naturel, écheveau de 100 g', description: 'Filé au Portugal à partir de lin de Trás-os-Montes.' },
    it: { title: 'Filato di lino naturale, matassa da 100 g', description: 'Filato in Portogallo con lino di Trás-os-Montes.' },
  },
  'Embroidered linen table runner': {
    es: { title: 'Camino de mesa de lino bordado', description: 'Bordado a mano por las artesanas de la cooperativa.' },
  },
  'Winter salad seed collection, 6 varieties': {
    de: { title: 'Wintersalat-Saatgut, 6 Sorten', description: 'Samenfeste Sorten für Ernten von Oktober bis März.' },
  },
  'Pollinator flower meadow mix, 100 g': {
    de: { title: 'Blühwiesenmischung für Bestäuber, 100 g', description: 'Heimische Wildblumen für Bienen und Schmetterlinge.' },
    it: { title: 'Miscuglio per prato fiorito per impollinatori, 100 g', description: 'Fiori selvatici autoctoni per api e farfalle.' },
  },
  'Fair-trade dark chocolate, 100 g': {
    fr: { title: 'Chocolat noir équitable, 100 g', description: 'Cacao de coopératives péruviennes, 72 %.' },
  },
  'Grenier muesli, 1 kg': {
    fr: { title: 'Muesli du Grenier, 1 kg', description: 'Flocons d’avoine belges, noisettes et raisins secs.' },
  },
  'Zero-waste kitchen starter kit': {
    de: { title: 'Zero-Waste-Starterset für die Küche', description: 'Bienenwachstücher, Spülbürste und Vorratsbeutel.' },
  },
  'Draught-proofing kit for one flat': {
    es: { title: 'Kit de burletes para una vivienda', description: 'Todo lo necesario para sellar puertas y ventanas.' },
  },
  'Washable incontinence pads, pack of 3': {
    it: { title: 'Traverse lavabili per incontinenza, confezione da 3', description: 'Cotone assorbente, lavabili a 90 °C.' },
  },
  'Cargo bike rain cover': {
    fr: { title: 'Housse de pluie pour vélo cargo', description: 'Protège les enfants et les courses par tous les temps.' },
  },
  'Folding bike repair stand': {
    fr: { title: 'Pied d’atelier pliant pour vélo', description: 'Léger, stable et rangé en un instant.' },
  },
  'Reflective ankle bands, pair': {
    it: { title: 'Fasce riflettenti per caviglia, paio', description: 'Per essere visti di notte in bici.' },
  },
  'Air-quality sensor kit (PM2.5 and CO₂)': {
    de: { title: 'Luftqualitätssensor-Bausatz (PM2,5 und CO₂)', description: 'Offene Hardware, sendet die Messwerte an eine gemeinsame Karte.' },
    fr: { title: 'Kit capteur de qualité de l’air (PM2,5 et CO₂)', description: 'Matériel libre, qui publie ses mesures sur une carte commune.' },
  },
  'Raglan jumper pattern, sizes XS–4XL': {
    it: { title: 'Schema per maglione raglan, taglie XS–4XL', description: 'Lavorato dall’alto in basso, senza cuciture.' },
  },
  'Sock pattern generator': {
    de: { title: 'Sockenmuster-Generator', description: 'Anleitung passend zu Fußmaß, Garn und Maschenprobe.' },
  },
  'Precision screwdriver set, 24 bits': {
    it: { title: 'Set di cacciaviti di precisione, 24 inserti', description: 'Per aprire telefoni, computer e piccoli elettrodomestici.' },
  },
  'Refurbished desktop PC for schools': {
    fr: { title: 'PC de bureau reconditionné pour les écoles', description: 'Installé avec des logiciels libres, prêt pour la classe.' },
  },
  'Bitter orange spoon sweet, 450 g': {
    it: { title: 'Arancia amara sciroppata, 450 g', description: 'Dolce al cucchiaio tradizionale greco.' },
  },
  'Greek mountain tea, 50 g': {
    de: { title: 'Griechischer Bergtee, 50 g', description: 'Sideritis aus den Bergen Nordgriechenlands.' },
  },
  'Dinner plate, ash glaze': {
    de: { title: 'Essteller mit Ascheglasur', description: 'Steinzeug aus dem Holzofen, spülmaschinenfest.' },
  },
  'Three-legged milking stool': {
    de: { title: 'Dreibeiniger Melkschemel', description: 'Aus Birke, steht auf jedem Boden sicher.' },
  },
  'Mending kit in a tin': {
    fr: { title: 'Kit de raccommodage en boîte', description: 'Aiguilles, fils, œuf à repriser et petit guide.' },
  },
  // The seed's first offer stays English: tests change its own title and read it back.
  'Hand-woven linen tea towel': {
    it: {
      title: 'Strofinaccio in lino tessuto a mano',
      description: 'Tessuto sui nostri telai a Biella con lino europeo non sbiancato. Asciuga bene e si ammorbidisce a ogni lavaggio.',
    },
    de: { title: 'Handgewebtes Geschirrtuch aus Leinen', description: 'Auf unseren Webstühlen in Biella aus ungebleichtem europäischem Leinen gewebt.' },
  },
  'Solid oak kitchen stool': {
    fr: { title: 'Tabouret de cuisine en chêne massif', description: 'Assemblé à tenons et mortaises dans notre atelier, fini à l’huile de lin.' },
    it: { title: 'Sgabello da cucina in rovere massello', description: 'Unito a tenone e mortasa nel nostro laboratorio, rifinito con olio di lino.' },
    de: { title: 'Küchenhocker aus massiver Eiche', description: 'In unserer Werkstatt mit Zapfenverbindungen gebaut und mit Leinöl behandelt.' },
  },
  'Chestnut chopping board, large': {
    fr: { title: 'Grande planche à découper en châtaignier', description: 'Taillée dans du châtaignier local, à entretenir avec un peu d’huile.' },
    es: { title: 'Tabla de cortar de castaño, grande', description: 'Hecha con castaño local; basta con un poco de aceite para cuidarla.' },
  },
  'Wall shelf in ash, 80 cm': {
    fr: { title: 'Étagère murale en frêne, 80 cm', description: 'Frêne massif, fixations invisibles fournies.' },
    de: { title: 'Wandregal aus Esche, 80 cm', description: 'Massive Esche, verdeckte Befestigung inklusive.' },
  },
  'Chestnut dining bench, 140 cm': {
    fr: { title: 'Banc de salle à manger en châtaignier, 140 cm', description: 'Un banc solide pour quatre personnes, en châtaignier de la région.' },
  },
  'Wooden spoon set, 3 pieces': {
    fr: { title: 'Lot de 3 cuillères en bois', description: 'Sculptées à la main dans des chutes de l’atelier.' },
    it: { title: 'Set di 3 cucchiai di legno', description: 'Intagliati a mano con gli scarti del laboratorio.' },
  },
  'Bedside table with drawer, oak': {
    fr: { title: 'Table de chevet en chêne avec tiroir', description: 'Tiroir à queues d’aronde, finition à l’huile naturelle.' },
  },
  'Forged garden spade with ash handle': {
    es: { title: 'Pala de jardín forjada con mango de fresno', description: 'Forjada a mano en nuestro taller; el mango de fresno se puede cambiar.' },
    fr: { title: 'Bêche forgée avec manche en frêne', description: 'Forgée à la main dans notre atelier ; le manche en frêne se remplace facilement.' },
  },
  'Hand-forged billhook': {
    es: { title: 'Podadera forjada a mano', description: 'Para limpiar setos y cortar ramas; acero al carbono templado.' },
  },
  'Carbon-steel carpentry chisel set, 4 pieces': {
    es: { title: 'Juego de 4 formones de acero al carbono', description: 'Formones de 6, 12, 18 y 25 mm, afilados y listos para usar.' },
    de: { title: 'Stechbeitel-Satz aus Kohlenstoffstahl, 4-teilig', description: 'Breiten 6, 12, 18 und 25 mm, scharf geschliffen und sofort einsatzbereit.' },
  },
  'Hori-hori digging knife': {
    es: { title: 'Cuchillo de jardín hori-hori', description: 'Para plantar, escardar y dividir matas; con funda de cuero.' },
  },
  'Whetstone, combination 400/1000 grit': {
    es: { title: 'Piedra de afilar combinada, grano 400/1000', description: 'Una cara para recuperar el filo y otra para pulirlo.' },
    it: { title: 'Pietra per affilare combinata, grana 400/1000', description: 'Un lato per ripristinare il filo, l’altro per rifinirlo.' },
  },
  'Peer production and the commons, paperback': {
    de: { title: 'Peer-Produktion und Gemeingüter, Taschenbuch', description: 'Eine Einführung in gemeinsame Produktion jenseits von Markt und Staat.' },
  },
  'The co-operative workplace: a practical handbook, paperback': {
    de: {
      title: 'Der genossenschaftliche Betrieb: ein Praxishandbuch, Taschenbuch',
      description: 'Von der Gründung bis zur Mitgliederversammlung, mit Vorlagen.',
    },
    es: { title: 'La empresa cooperativa: manual práctico, rústica', description: 'De la constitución a la asamblea, con modelos listos para usar.' },
  },
  'Risograph notebook, A5, recycled paper': {
    de: { title: 'Risograph-Notizbuch, A5, Recyclingpapier', description: 'Im Risographen gedruckt und von Hand gebunden, 96 Seiten.' },
    fr: { title: 'Carnet risographié, A5, papier recyclé', description: 'Imprimé en risographie et relié à la main, 96 pages.' },
  },
  'Solidarity economy wall calendar 2027': {
    de: { title: 'Wandkalender Solidarische Ökonomie 2027', description: 'Zwölf Genossenschaften aus Europa, zwölf Geschichten.' },
  },
  'First-aid kit for home carers': {
    de: { title: 'Erste-Hilfe-Set für pflegende Angehörige', description: 'Zusammengestellt von unseren Pflegekräften für den Alltag zu Hause.' },
  },
  'Care co-operative starter handbook': {
    de: { title: 'Handbuch zur Gründung einer Pflegegenossenschaft', description: 'Was wir bei unserer eigenen Gründung gern gewusst hätten.' },
    it: { title: 'Manuale per avviare una cooperativa di cura', description: 'Quello che avremmo voluto sapere quando abbiamo fondato la nostra.' },
  },
  'Dementia-friendly home checklist': {
    de: { title: 'Checkliste für ein demenzfreundliches Zuhause', description: 'Kleine Änderungen in der Wohnung, die den Alltag erleichtern.' },
  },
  'Solar USB charger kit': {
    es: { title: 'Kit de cargador solar USB', description: 'Panel plegable y batería para cargar el móvil en cualquier parte.' },
  },
  'Community solar feasibility toolkit': {
    es: { title: 'Herramientas de viabilidad para solar comunitaria', description: 'Hojas de cálculo y guías para estudiar una instalación compartida.' },
    it: { title: 'Strumenti per valutare un impianto solare di comunità', description: 'Fogli di calcolo e guide per studiare un impianto condiviso.' },
  },
  'Energy poverty workshop course': {
    es: { title: 'Curso de talleres contra la pobreza energética', description: 'Materiales para dinamizar talleres en el barrio.' },
  },
  'Open-source beehive design (CNC files)': {
    es: { title: 'Diseño de colmena de código abierto (archivos CNC)', description: 'Archivos listos para cortar en una fresadora CNC.' },
    it: { title: 'Arnia open source (file per CNC)', description: 'File pronti da tagliare con una fresatrice CNC.' },
    fr: { title: 'Ruche open source (fichiers CNC)', description: 'Fichiers prêts à découper sur une fraiseuse CNC.' },
  },
  'Top-bar hive plans for hand tools': {
    es: { title: 'Planos de colmena de barras superiores para herramientas manuales', description: 'Se construye con serrucho, taladro y un fin de semana.' },
  },
  'Heritage rye for sowing, 1 kg': {
    fr: { title: 'Seigle ancien à semer, 1 kg', description: 'Variété du Jura multipliée par nos paysans.' },
    de: { title: 'Alter Roggen zur Aussaat, 1 kg', description: 'Eine Sorte aus dem Jura, von unseren Bäuerinnen und Bauern vermehrt.' },
  },
  'Seed library box: 12 varieties': {
    fr: { title: 'Boîte de grainothèque : 12 variétés', description: 'De quoi lancer une grainothèque dans votre quartier.' },
  },
  'Running a seed library: a handbook': {
    fr: { title: 'Animer une grainothèque : le guide', description: 'Collecte, tri, conservation et partage des semences.' },
    it: { title: 'Gestire una biblioteca dei semi: il manuale', description: 'Raccolta, selezione, conservazione e scambio dei semi.' },
  },
  'Cargo bike frame kit, welded and unpainted': {
    de: { title: 'Lastenrad-Rahmenbausatz, geschweißt und unlackiert', description: 'Nach unseren offenen Plänen geschweißt, bereit zum Lackieren.' },
    fr: { title: 'Kit de cadre de vélo cargo, soudé et brut', description: 'Soudé d’après nos plans libres, prêt à peindre.' },
  },
  'Refurbished city bike': {
    de: { title: 'Überholtes Stadtrad', description: 'Geprüft, neu eingestellt und mit sechs Monaten Gewährleistung.' },
    it: { title: 'Bici da città ricondizionata', description: 'Controllata, regolata e garantita sei mesi.' },
  },
  'Open cargo bike design files (CAD)': {
    de: { title: 'Offene Konstruktionsdateien für Lastenräder (CAD)', description: 'Alle Teile unseres Lastenrads zum Nachbauen.' },
  },
  'Waterproof courier bag, 30 l': {
    de: { title: 'Wasserdichte Kuriertasche, 30 l', description: 'Aus Lkw-Plane genäht, in Wien getestet.' },
  },
  'Repair café starter toolbox': {
    de: { title: 'Werkzeugkiste für den Start eines Repair-Cafés', description: 'Das Werkzeug, das bei uns an jedem Termin gebraucht wird.' },
    it: { title: 'Cassetta degli attrezzi per aprire un repair café', description: 'Gli attrezzi che usiamo a ogni incontro.' },
  },
  'Repair guide: small kitchen appliances': {
    de: { title: 'Reparaturanleitung: kleine Küchengeräte', description: 'Wasserkocher, Toaster und Mixer Schritt für Schritt.' },
  },
  'Upcycled denim tote bag': {
    fr: { title: 'Sac cabas en jean recyclé', description: 'Cousu dans des jeans récupérés, chaque sac est unique.' },
    es: { title: 'Bolso tote de vaquero reciclado', description: 'Cosido con vaqueros recuperados: cada bolso es único.' },
  },
  'Patchwork quilt from reclaimed cotton': {
    fr: { title: 'Courtepointe en patchwork de coton récupéré', description: 'Assemblée à la main par les couturières de l’atelier.' },
  },
  'Work apron from reclaimed canvas': {
    fr: { title: 'Tablier de travail en toile récupérée', description: 'Poches renforcées, sangles réglables.' },
  },
  'Directory of French SCOPs and SCICs, 2026 edition': {
    fr: {
      title: 'Annuaire des SCOP et SCIC françaises, édition 2026',
      description: 'Toutes les coopératives de travail et d’intérêt collectif, en données ouvertes.',
    },
  },
  'Commons governance case studies (50 cases)': {
    fr: { title: 'Gouvernance des communs : 50 études de cas', description: 'Comment des communautés gèrent ensemble leurs ressources.' },
    es: { title: 'Gobernanza de los bienes comunes: 50 casos', description: 'Cómo las comunidades gestionan juntas sus recursos.' },
  },
  'Thyme honey, 450 g': {
    it: { title: 'Miele di timo, 450 g', description: 'Miele di timo selvatico dell’isola di Icaria.' },
    fr: { title: 'Miel de thym, 450 g', description: 'Miel de thym sauvage de l’île d’Icarie.' },
    de: { title: 'Thymianhonig, 450 g', description: 'Honig vom wilden Thymian der Insel Ikaria.' },
  },
  'Beeswax food wraps, set of 3': {
    it: { title: 'Involucri alimentari in cera d’api, set da 3', description: 'Sostituiscono la pellicola e durano un anno.' },
    es: { title: 'Envoltorios de cera de abeja, juego de 3', description: 'Sustituyen al film plástico y duran un año.' },
  },
  'Wood-fired stoneware mug': {
    de: { title: 'Holzbrand-Steinzeugbecher', description: 'Im Holzofen gebrannt, jede Tasse ein wenig anders.' },
    it: { title: 'Tazza in gres cotta a legna', description: 'Cotta nel forno a legna: ogni tazza è un po’ diversa.' },
  },
  'Stoneware teapot, 1 l': {
    de: { title: 'Steinzeug-Teekanne, 1 l', description: 'Mit eingebautem Sieb, spülmaschinenfest.' },
  },
  'Turned birch bowl': {
    de: { title: 'Gedrechselte Birkenschale', description: 'Aus frischem Birkenholz gedrechselt und mit Leinöl behandelt.' },
  },
  'Fair Isle mittens pattern': {
    fr: { title: 'Modèle de moufles jacquard Fair Isle', description: 'Diagrammes et explications pas à pas, du S au L.' },
    de: { title: 'Strickanleitung für Fair-Isle-Fäustlinge', description: 'Diagramme und Schritt-für-Schritt-Anleitung, Größen S bis L.' },
  },
  'Visible mending techniques (illustrated guide)': {
    it: { title: 'Tecniche di rammendo a vista (guida illustrata)', description: 'Toppe, darning e sashiko per far durare i vestiti.' },
    fr: { title: 'Techniques de raccommodage visible (guide illustré)', description: 'Pièces, reprisage et sashiko pour faire durer ses vêtements.' },
  },
  'Cooperative governance course (12 sessions)': {
    es: { title: 'Curso de gobernanza cooperativa (12 sesiones)', description: 'Asambleas, órganos de gobierno y toma de decisiones.' },
    it: { title: 'Corso di governance cooperativa (12 incontri)', description: 'Assemblee, organi sociali e processi decisionali.' },
  },
  'Introduction to the social and solidarity economy': {
    es: { title: 'Introducción a la economía social y solidaria', description: 'Un curso breve para equipos y asociaciones.' },
    fr: { title: 'Introduction à l’économie sociale et solidaire', description: 'Un cours court pour les équipes et les associations.' },
  },
  'Refurbished ThinkPad T480 with Linux': {
    it: { title: 'ThinkPad T480 ricondizionato con Linux', description: 'Batteria nuova, SSD e un anno di garanzia.' },
    de: { title: 'Generalüberholtes ThinkPad T480 mit Linux', description: 'Neuer Akku, SSD und ein Jahr Gewährleistung.' },
  },
  'Co-op member register (self-hosted)': {
    it: { title: 'Libro soci per cooperative (in self-hosting)', description: 'Registro dei soci e delle quote da ospitare sul proprio server.' },
    es: { title: 'Registro de personas socias (autoalojado)', description: 'Registro de socias y aportaciones en tu propio servidor.' },
  },
  'Online AGM voting toolkit': {
    it: { title: 'Strumenti per votare in assemblea online', description: 'Voto segreto, deleghe e verbale automatico.' },
  },
  'Heirloom bean mix, 50 g': {
    de: { title: 'Mischung alter Bohnensorten, 50 g', description: 'Sechs samenfeste Sorten zum Anbauen und Weitervermehren.' },
    fr: { title: 'Mélange de haricots anciens, 50 g', description: 'Six variétés reproductibles à semer et à ressemer.' },
  },
  'Barley rusks, 500 g': {
    it: { title: 'Friselle d’orzo, 500 g', description: 'Pane d’orzo biscottato, da bagnare e condire con pomodoro e olio.' },
  },
}
