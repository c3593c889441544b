// Per-language word lists for the synthetic generator. The real words are common words of each
// language in rough frequency order (a Zipf law is applied by rank); invented words built from the
// syllables form the long tail, so rules can target rare keywords too.
#include "ingest/generator_data.h"

namespace sluice {
namespace {

using sv = std::string_view;

// ---------------------------------------------------------------------------------- English
constexpr sv kEnWords[] = {
    "the",      "I",          "to",        "a",        "you",      "and",     "is",
    "it",       "in",         "of",        "my",       "for",      "this",    "that",
    "on",       "me",         "be",        "so",       "with",     "just",    "we",
    "are",      "have",       "not",       "but",      "your",     "all",     "at",
    "like",     "was",        "do",        "what",     "can",      "if",      "love",
    "get",      "no",         "they",      "out",      "up",       "now",     "one",
    "about",    "know",       "people",    "time",     "good",     "will",    "he",
    "how",      "day",        "new",       "more",     "lol",      "from",    "go",
    "when",     "there",      "today",     "she",      "see",      "back",    "really",
    "got",      "her",        "think",     "want",     "why",      "who",     "only",
    "need",     "great",      "some",      "his",      "been",     "make",    "still",
    "going",    "right",      "thank",     "u",        "would",    "them",    "an",
    "as",       "much",       "happy",     "never",    "better",   "life",    "best",
    "too",      "our",        "am",        "then",     "here",     "night",   "first",
    "way",      "their",      "last",      "did",      "because",  "over",    "off",
    "world",    "even",       "say",       "should",   "year",     "work",    "days",
    "please",   "could",      "thanks",    "feel",     "game",     "man",     "girl",
    "morning",  "twitter",    "home",      "week",     "live",     "watch",   "music",
    "show",     "news",       "team",      "look",     "big",      "real",    "next",
    "always",   "everyone",   "free",      "hope",     "tonight",  "fun",     "again",
    "God",      "someone",    "win",       "lot",      "amazing",  "video",   "post",
    "friends",  "guys",       "season",    "&amp;",    "coffee",   "weekend", "school",
    "money",    "food",       "movie",     "song",     "vote",     "stop",    "tomorrow",
    "birthday", "beautiful",  "wait",      "ok",       "omg",      "yes",     "via",
    "rain",     "football",   "market",    "crypto",   "launch",   "update",  "city",
    "police",   "government", "president", "data",     "AI",       "climate", "energy",
    "fans",     "album",      "tickets",   "sale",     "deal",     "health",  "summer",
    "winter",   "store",      "phone",     "election", "breaking", "report",  "family",
    "dog",      "cat",        "pizza",     "weather",  "cup",      "league",  "match",
    "goal",     "final",      "streaming", "episode",  "podcast",  "book",    "art",
    "photo",    "morning",    "traffic",   "flight",   "airport",  "storm",   "stocks",
    "prices",   "rent",       "jobs",      "hiring",   "startup",  "code",    "bug",
    "release",  "gaming",     "console",   "concert",  "tour",
};
constexpr sv kEnSyllables[] = {"ba",  "be", "con", "de", "di",  "er", "ex", "for", "ga",   "in",
                               "ka",  "la", "li",  "lo", "ma",  "mo", "ne", "ni",  "no",   "per",
                               "pro", "ra", "re",  "ri", "ro",  "sa", "se", "si",  "so",   "ta",
                               "te",  "ti", "to",  "un", "ver", "vi", "wa", "ly",  "tion", "ment"};
constexpr sv kEnHashtags[] = {
    "NowPlaying",   "NBA",      "NFL",    "AI",  "crypto",        "Bitcoin",     "MUFC",
    "Election2026", "WorldCup", "Oscars", "tbt", "love",          "photography", "FridayFeeling",
    "climate",      "tech",     "music",  "BTS", "100DaysOfCode", "news"};
constexpr sv kEnPunctuation[] = {",", ".", "!", "?", "...", ":"};
constexpr sv kEnFirst[] = {"James",  "Mary",  "John",    "Emma",   "Michael", "Olivia", "David",
                           "Sophia", "Chris", "Jessica", "Daniel", "Ashley",  "Ryan",   "Sarah",
                           "Kevin",  "Megan", "Tyler",   "Lauren", "Jordan",  "Taylor"};
constexpr sv kEnLast[] = {"Smith",  "Johnson",  "Williams", "Brown",  "Jones",  "Miller", "Davis",
                          "Wilson", "Anderson", "Taylor",   "Thomas", "Moore",  "Martin", "Jackson",
                          "White",  "Harris",   "Clark",    "Lewis",  "Walker", "Hall"};
constexpr sv kEnHandles[] = {
    "james", "mary", "john",     "emma",  "mike",  "liv",  "dave",   "sophie", "chris",  "jess",
    "dan",   "ash",  "ryan",     "sarah", "kev",   "meg",  "ty",     "lauren", "jordan", "taylor",
    "the",   "real", "official", "news",  "daily", "tech", "sports", "music",  "fan",    "world"};
constexpr PlaceData kEnPlaces[] = {
    {"Manhattan", "Manhattan, NY", "US", "United States", -74.026675, 40.683935, -73.910408,
     40.877483},
    {"Los Angeles", "Los Angeles, CA", "US", "United States", -118.668404, 33.704538, -118.155409,
     34.337041},
    {"London", "London, England", "GB", "United Kingdom", -0.510375, 51.28676, 0.334015, 51.691874},
    {"Chicago", "Chicago, IL", "US", "United States", -87.940033, 41.644102, -87.523993,
     42.0230669},
    {"Toronto", "Toronto, Ontario", "CA", "Canada", -79.639319, 43.580945, -79.11519, 43.855443},
    {"Sydney", "Sydney, New South Wales", "AU", "Australia", 150.520929, -34.118347, 151.343021,
     -33.578141},
    {"Lagos", "Lagos, Nigeria", "NG", "Nigeria", 3.098273, 6.393295, 3.696788, 6.702798},
    {"Mumbai", "Mumbai, India", "IN", "India", 72.776333, 18.892607, 72.986291, 19.270177},
    {"Houston", "Houston, TX", "US", "United States", -95.788087, 29.523624, -95.014496, 30.110732},
};
constexpr WebSiteData kEnSites[] = {
    {"www.nytimes.com", UrlStyle::kArticle},     {"www.bbc.co.uk", UrlStyle::kNumbered},
    {"www.theguardian.com", UrlStyle::kArticle}, {"edition.cnn.com", UrlStyle::kArticle},
    {"www.reuters.com", UrlStyle::kNumbered},    {"www.bloomberg.com", UrlStyle::kArticle},
    {"medium.com", UrlStyle::kNumbered},         {"www.washingtonpost.com", UrlStyle::kArticle},
};

// ---------------------------------------------------------------------------------- Japanese
constexpr sv kJaWords[] = {
    "の",       "に",         "は",       "を",     "が",         "で",           "と",
    "も",       "今日",       "私",       "本当に", "ありがとう", "です",         "ます",
    "好き",     "最高",       "かわいい", "明日",   "仕事",       "みんな",       "すごい",
    "やばい",   "笑",         "www",      "楽しみ", "嬉しい",     "疲れた",       "頑張る",
    "おはよう", "おやすみ",   "今",       "僕",     "俺",         "時間",         "人",
    "気持ち",   "感じ",       "友達",     "家族",   "学校",       "会社",         "電車",
    "天気",     "雨",         "東京",     "大阪",   "日本",       "世界",         "写真",
    "動画",     "ゲーム",     "アニメ",   "映画",   "音楽",       "ライブ",       "猫",
    "犬",       "ラーメン",   "コーヒー", "でした", "ません",     "けど",         "から",
    "まで",     "って",       "こと",     "もの",   "これ",       "それ",         "何",
    "誰",       "どこ",       "いつ",     "新しい", "美味しい",   "大好き",       "応援",
    "試合",     "野球",       "サッカー", "選挙",   "政府",       "ニュース",     "地震",
    "台風",     "夏",         "冬",       "春",     "秋",         "桜",           "週末",
    "誕生日",   "おめでとう", "お疲れ様", "買った", "見た",       "行った",       "来た",
    "食べた",   "思う",       "言う",     "待って", "発売",       "配信",         "公開",
    "更新",     "予約",       "限定",     "無料",   "プレゼント", "キャンペーン", "当選",
    "フォロー", "リツイート", "イラスト", "描いた", "新刊",       "推し",         "尊い",
};
constexpr sv kJaSyllables[] = {"カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス", "セ", "ソ",
                               "タ", "チ", "ツ", "テ", "ト", "ナ", "ニ", "マ", "ミ", "ラ",
                               "リ", "ル", "レ", "ロ", "ン", "ー", "か", "き", "く", "こ",
                               "さ", "し", "た", "な", "ま", "ら", "り", "る", "ん", "ゆ"};
constexpr sv kJaHashtags[] = {"拡散希望",
                              "プレゼントキャンペーン",
                              "ポケモン",
                              "アニメ",
                              "今日の一枚",
                              "猫",
                              "ワンピース",
                              "相互フォロー",
                              "地震",
                              "野球",
                              "新刊",
                              "イラスト",
                              "写真好きな人と繋がりたい",
                              "絵描きさんと繋がりたい",
                              "ゲーム"};
constexpr sv kJaPunctuation[] = {"、", "。", "！", "？", "…", "♪"};
constexpr sv kJaFirst[] = {"翔太", "陽菜", "蓮",   "結衣", "大翔", "さくら", "悠真",
                           "美咲", "拓海", "ゆい", "健太", "愛",   "颯太",   "葵",
                           "直樹", "真央", "亮",   "花子", "太郎", "みゆき"};
constexpr sv kJaLast[] = {"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺",   "山本",
                          "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口",
                          "松本", "井上", "木村", "林",   "清水", "斎藤"};
constexpr sv kJaHandles[] = {"yuki",  "haru", "sora", "ken",    "aoi",   "riku", "mai",
                             "kaito", "nana", "ren",  "hina",   "sho",   "tomo", "miku",
                             "daiki", "neko", "taro", "sakura", "akira", "yume"};
constexpr PlaceData kJaPlaces[] = {
    {"新宿区", "新宿区, 東京都", "JP", "日本", 139.673574, 35.67497, 139.748775, 35.72374},
    {"大阪市", "大阪市, 大阪府", "JP", "日本", 135.40001, 34.571651, 135.591962, 34.751568},
    {"横浜市", "横浜市, 神奈川県", "JP", "日本", 139.474503, 35.312718, 139.729178, 35.592965},
    {"名古屋市", "名古屋市, 愛知県", "JP", "日本", 136.79072, 35.047826, 137.058706, 35.260745},
    {"札幌市", "札幌市, 北海道", "JP", "日本", 141.184039, 42.87886, 141.448895, 43.189958},
    {"福岡市", "福岡市, 福岡県", "JP", "日本", 130.257198, 33.486462, 130.480873, 33.678749},
};
constexpr WebSiteData kJaSites[] = {
    {"www3.nhk.or.jp", UrlStyle::kNumbered},
    {"news.yahoo.co.jp", UrlStyle::kHexArticle},
    {"www.asahi.com", UrlStyle::kHexArticle},
    {"natalie.mu", UrlStyle::kNumbered},
};

// ---------------------------------------------------------------------------------- Spanish
constexpr sv kEsWords[] = {
    "de",         "que",      "la",       "el",         "y",        "en",       "a",
    "no",         "los",      "me",       "es",         "se",       "por",      "un",
    "con",        "lo",       "mi",       "una",        "las",      "para",     "te",
    "del",        "más",      "pero",     "yo",         "al",       "como",     "ya",
    "si",         "todo",     "le",       "esta",       "eso",      "bien",     "muy",
    "qué",        "hoy",      "día",      "porque",     "cuando",   "tu",       "ser",
    "son",        "hay",      "tengo",    "así",        "gracias",  "amor",     "vida",
    "todos",      "nada",     "solo",     "también",    "quiero",   "hacer",    "fue",
    "ver",        "siempre",  "mejor",    "ahora",      "está",     "años",     "mundo",
    "tiempo",     "nunca",    "vez",      "donde",      "noche",    "casa",     "feliz",
    "gente",      "hace",     "mañana",   "puede",      "partido",  "fútbol",   "música",
    "canción",    "país",     "gobierno", "presidente", "ciudad",   "semana",   "buenos",
    "días",       "jaja",     "jajaja",   "verdad",     "corazón",  "café",     "trabajo",
    "familia",    "amigos",   "juego",    "equipo",     "gol",      "nuevo",    "hermosa",
    "quién",      "señor",    "niños",    "año",        "mucho",    "poco",     "bueno",
    "sí",         "claro",    "dios",     "después",    "antes",    "cosas",    "mismo",
    "otro",       "dónde",    "mamá",     "papá",       "escuela",  "película", "fin",
    "elecciones", "economía", "precio",   "dólar",      "noticias", "video",    "foto",
    "fiesta",     "verano",   "lluvia",   "playa",      "comida",   "España",   "México",
    "Argentina",  "Colombia", "Chile",    "Perú",
};
constexpr sv kEsSyllables[] = {
    "ca",   "co",    "da",  "de", "do", "la",  "le",  "lo",  "ma",  "me",  "mi",  "na", "ne", "no",
    "pa",   "pe",    "po",  "ra", "re", "ri",  "ro",  "sa",  "se",  "si",  "ta",  "te", "ti", "to",
    "ción", "mente", "dad", "ño", "ía", "que", "gue", "llo", "rra", "ble", "tos", "das"};
constexpr sv kEsHashtags[] = {"LaLiga",     "FelizLunes", "Noticias",   "ÚltimaHora",  "Mundial",
                              "Madrid",     "México",     "Argentina",  "BuenosDías",  "Música",
                              "Elecciones", "Fútbol",     "RealMadrid", "FCBarcelona", "Viernes"};
constexpr sv kEsPunctuation[] = {",", ".", "!", "?", "...", ":"};
constexpr sv kEsFirst[] = {"María",  "José",      "Juan",      "Ana",      "Luis",
                           "Carmen", "Carlos",    "Lucía",     "Javier",   "Sofía",
                           "Diego",  "Valentina", "Alejandro", "Camila",   "Andrés",
                           "Isabel", "Miguel",    "Paula",     "Fernando", "Gabriela"};
constexpr sv kEsLast[] = {"García",    "Rodríguez", "Martínez", "López",   "González",
                          "Hernández", "Pérez",     "Sánchez",  "Ramírez", "Torres",
                          "Flores",    "Rivera",    "Gómez",    "Díaz",    "Morales",
                          "Jiménez",   "Ruiz",      "Álvarez",  "Romero",  "Núñez"};
constexpr sv kEsHandles[] = {"maria",  "jose",  "juan",   "ana",  "luis",    "carmen",
                             "carlos", "lucia", "javi",   "sofi", "diego",   "vale",
                             "alex",   "cami",  "andres", "isa",  "miguel",  "pau",
                             "fer",    "gaby",  "el",     "la",   "oficial", "noticias"};
constexpr PlaceData kEsPlaces[] = {
    {"Madrid", "Madrid, Comunidad de Madrid", "ES", "España", -3.888954, 40.312071, -3.518126,
     40.643518},
    {"Barcelona", "Barcelona, España", "ES", "España", 2.052477, 41.317048, 2.228376, 41.468022},
    {"Ciudad de México", "Ciudad de México, México", "MX", "México", -99.364924, 19.048237,
     -98.940303, 19.592757},
    {"Buenos Aires", "Buenos Aires, Argentina", "AR", "Argentina", -58.531449, -34.705637,
     -58.335145, -34.526552},
    {"Bogotá", "Bogotá, D.C., Colombia", "CO", "Colombia", -74.223492, 4.471573, -74.010224,
     4.836495},
    {"Santiago", "Santiago, Chile", "CL", "Chile", -70.783327, -33.653829, -70.475745, -33.307882},
    {"Lima", "Lima, Perú", "PE", "Perú", -77.197834, -12.271493, -76.842216, -11.829286},
};
constexpr WebSiteData kEsSites[] = {
    {"elpais.com", UrlStyle::kArticle},
    {"www.marca.com", UrlStyle::kNumbered},
    {"www.eluniversal.com.mx", UrlStyle::kArticle},
    {"www.clarin.com", UrlStyle::kNumbered},
};

// ---------------------------------------------------------------------------------- Portuguese
constexpr sv kPtWords[] = {
    "que",    "de",       "não",         "o",         "e",          "a",        "é",
    "eu",     "do",       "da",          "em",        "um",         "me",       "pra",
    "uma",    "com",      "os",          "se",        "no",         "na",       "mais",
    "mas",    "por",      "meu",         "você",      "isso",       "muito",    "ela",
    "tá",     "ele",      "como",        "já",        "tem",        "minha",    "só",
    "aqui",   "quando",   "ser",         "vai",       "tudo",       "hoje",     "bem",
    "nada",   "amor",     "dia",         "gente",     "sempre",     "porque",   "ainda",
    "quero",  "sou",      "agora",       "vida",      "também",     "obrigado", "obrigada",
    "nunca",  "então",    "foi",         "ter",       "fazer",      "ver",      "vou",
    "melhor", "mundo",    "casa",        "noite",     "tempo",      "kkkk",     "kkkkkk",
    "né",     "coisa",    "cara",        "jogo",      "time",       "futebol",  "música",
    "feliz",  "saudade",  "coração",     "trabalho",  "família",    "amigos",   "lindo",
    "linda",  "verdade",  "Brasil",      "governo",   "presidente", "eleição",  "notícia",
    "semana", "ano",      "anos",        "mãe",       "pai",        "escola",   "filme",
    "festa",  "verão",    "chuva",       "praia",     "comida",     "café",     "cidade",
    "rua",    "novo",     "nova",        "grande",    "pessoa",     "pessoas",  "deus",
    "graças", "Flamengo", "Corinthians", "Palmeiras", "show",
};
constexpr sv kPtSyllables[] = {"ca", "co",  "da",  "de",  "do",    "la",   "lo",  "ma",
                               "me", "na",  "ne",  "pa",  "pe",    "ra",   "re",  "sa",
                               "se", "ta",  "te",  "ção", "mente", "dade", "nho", "lhe",
                               "ão", "ões", "bra", "gue", "vi",    "zi"};
constexpr sv kPtHashtags[] = {"BBB26",    "Brasil",       "Flamengo", "Corinthians", "Palmeiras",
                              "BomDia",   "Eleições2026", "Futebol",  "Música",      "SextaFeira",
                              "Notícias", "SãoPaulo",     "Copa",     "Saudade",     "Novela"};
constexpr sv kPtPunctuation[] = {",", ".", "!", "?", "...", ":"};
constexpr sv kPtFirst[] = {"João",    "Maria",   "Ana",      "Pedro",   "Lucas",
                           "Júlia",   "Gabriel", "Beatriz",  "Mateus",  "Larissa",
                           "Rafael",  "Camila",  "Felipe",   "Letícia", "Gustavo",
                           "Mariana", "Thiago",  "Fernanda", "Bruno",   "Luíza"};
constexpr sv kPtLast[] = {"Silva",    "Santos",  "Oliveira", "Souza",    "Rodrigues",
                          "Ferreira", "Alves",   "Pereira",  "Lima",     "Gomes",
                          "Costa",    "Ribeiro", "Martins",  "Carvalho", "Araújo",
                          "Melo",     "Barbosa", "Rocha",    "Dias",     "Conceição"};
constexpr sv kPtHandles[] = {"joao",    "maria", "ana",     "pedro", "lucas",  "ju",
                             "gabriel", "bia",   "mateus",  "lari",  "rafa",   "cami",
                             "felipe",  "le",    "gus",     "mari",  "thiago", "fe",
                             "bruno",   "lu",    "oficial", "br"};
constexpr PlaceData kPtPlaces[] = {
    {"São Paulo", "São Paulo, Brasil", "BR", "Brasil", -46.826039, -24.008814, -46.365052,
     -23.356792},
    {"Rio de Janeiro", "Rio de Janeiro, Brasil", "BR", "Brasil", -43.795449, -23.08302, -43.087707,
     -22.739823},
    {"Lisboa", "Lisboa, Portugal", "PT", "Portugal", -9.229835, 38.691395, -9.086991, 38.795914},
    {"Belo Horizonte", "Belo Horizonte, Brasil", "BR", "Brasil", -44.063292, -20.059465, -43.85722,
     -19.776544},
    {"Salvador", "Salvador, Brasil", "BR", "Brasil", -38.699295, -13.017467, -38.304726,
     -12.733893},
};
constexpr WebSiteData kPtSites[] = {
    {"g1.globo.com", UrlStyle::kArticle},
    {"www.uol.com.br", UrlStyle::kNumbered},
    {"www1.folha.uol.com.br", UrlStyle::kArticle},
    {"www.publico.pt", UrlStyle::kNumbered},
};

// ---------------------------------------------------------------------------------- Arabic
constexpr sv kArWords[] = {
    "في",     "من",     "على",      "و",      "أن",     "الله",     "ما",     "لا",      "هذا",
    "إلى",    "يا",     "عن",       "كل",     "مع",     "هو",       "اللهم",  "انا",     "كان",
    "لم",     "قد",     "هذه",      "بعد",    "ان",     "أو",       "الى",    "أنا",     "شي",
    "يوم",    "كنت",    "والله",    "لك",     "لي",     "فيه",      "ولا",    "الناس",   "الحب",
    "الحياة", "اليوم",  "صباح",     "الخير",  "مساء",   "شكرا",     "جميل",   "حبيبي",   "قلبي",
    "الدنيا", "رب",     "يارب",     "الحمد",  "لله",    "سبحان",    "الهلال", "النصر",   "الاتحاد",
    "مباراة", "الدوري", "السعودية", "مصر",    "الكويت", "الامارات", "الرياض", "جدة",     "الحكومة",
    "الرئيس", "اخبار",  "عاجل",     "فيديو",  "صورة",   "رمضان",    "العيد",  "مبارك",   "الجمعة",
    "غدا",    "امس",    "الوقت",    "العالم", "الشعب",  "الوطن",    "حب",     "حياة",    "ناس",
    "وقت",    "كلام",   "شيء",      "بس",     "ليش",    "كيف",      "وين",    "متى",     "طيب",
    "زين",    "حلو",    "مرة",      "كثير",   "قليل",   "جديد",     "كبير",   "صغير",    "اول",
    "اخر",    "ممكن",   "لازم",     "عشان",   "لان",    "لما",      "هههه",   "ههههههه",
};
constexpr sv kArSyllables[] = {"ال", "م", "ن", "ت", "ب", "ر", "س", "ع", "ق", "ك",
                               "ل",  "ه", "و", "ي", "ا", "ح", "د", "ج", "ف", "ش"};
constexpr sv kArHashtags[] = {"الهلال",     "النصر",  "السعودية",     "عاجل",       "رمضان_كريم",
                              "مصر",        "الكويت", "اليوم_الوطني", "الاتحاد",    "جمعة_مباركة",
                              "كأس_العالم", "دبي",    "الرياض",       "صباح_الخير", "اخبار"};
constexpr sv kArPunctuation[] = {"،", ".", "!", "؟", "..."};
constexpr sv kArFirst[] = {"محمد", "أحمد", "عبدالله", "فاطمة", "نورة",    "خالد", "سارة",
                           "عمر",  "مريم", "يوسف",    "علي",   "ريم",     "سعد",  "هند",
                           "فيصل", "لمى",  "ناصر",    "دانة",  "إبراهيم", "منى"};
constexpr sv kArLast[] = {"العتيبي", "القحطاني", "الشمري",   "الدوسري", "الغامدي",
                          "الحربي",  "المطيري",  "الزهراني", "السبيعي", "العنزي",
                          "حسن",     "إبراهيم",  "محمود",    "السيد",   "عبدالرحمن",
                          "الخالدي", "المالكي",  "الشهري",   "البلوشي", "الكعبي"};
constexpr sv kArHandles[] = {"mohammed", "ahmed",  "abdullah", "noura",  "khalid", "sara",
                             "omar",     "fahad",  "saad",     "faisal", "reem",   "nasser",
                             "hind",     "yousef", "ali",      "ksa",    "q8",     "uae"};
constexpr PlaceData kArPlaces[] = {
    {"Riyadh", "Riyadh, Kingdom of Saudi Arabia", "SA", "المملكة العربية السعودية", 46.547629,
     24.449467, 46.950104, 24.953934},
    {"Jeddah", "Jeddah, Kingdom of Saudi Arabia", "SA", "المملكة العربية السعودية", 39.104996,
     21.350917, 39.303456, 21.746869},
    {"Cairo", "Cairo, Egypt", "EG", "مصر", 31.130737, 29.952651, 31.420593, 30.152294},
    {"Dubai", "Dubai, United Arab Emirates", "AE", "الإمارات العربية المتحدة", 55.130558, 24.970863,
     55.560617, 25.358543},
    {"Kuwait City", "Kuwait City, Kuwait", "KW", "الكويت", 47.899323, 29.301023, 48.049087,
     29.401349},
};
constexpr WebSiteData kArSites[] = {
    {"www.aljazeera.net", UrlStyle::kArticle},
    {"www.alarabiya.net", UrlStyle::kNumbered},
    {"sabq.org", UrlStyle::kHexArticle},
    {"www.youm7.com", UrlStyle::kNumbered},
};

// ---------------------------------------------------------------------------------- French
constexpr sv kFrWords[] = {
    "de",       "la",       "le",          "et",           "les",       "à",        "je",
    "un",       "pas",      "en",          "des",          "est",       "que",      "une",
    "du",       "pour",     "il",          "on",           "qui",       "ce",       "mais",
    "dans",     "sur",      "avec",        "tu",           "mon",       "tout",     "plus",
    "suis",     "c'est",    "j'ai",        "vous",         "nous",      "ça",       "bien",
    "fait",     "être",     "comme",       "elle",         "faire",     "trop",     "ma",
    "même",     "aussi",    "très",        "encore",       "rien",      "toujours", "quand",
    "merci",    "jour",     "aujourd'hui", "demain",       "vie",       "amour",    "temps",
    "monde",    "gens",     "soir",        "nuit",         "ans",       "match",    "équipe",
    "français", "France",   "Paris",       "gouvernement", "président", "élection", "grève",
    "musique",  "film",     "café",        "maison",       "travail",   "école",    "famille",
    "ami",      "amis",     "beau",        "belle",        "nouveau",   "grand",    "petit",
    "vraiment", "mdr",      "ptdr",        "oui",          "non",       "pourquoi", "là",
    "où",       "déjà",     "après",       "avant",        "moi",       "toi",      "lui",
    "été",      "hiver",    "pluie",       "soleil",       "week-end",  "semaine",  "fête",
    "vacances", "heureux",  "bonne",       "journée",      "bonjour",   "salut",    "énorme",
    "génial",   "voir",     "dire",        "aller",        "venir",     "savoir",   "premier",
    "dernier",  "d'accord",
};
constexpr sv kFrSyllables[] = {"ba", "be", "ca", "che",  "de",   "di",  "é",   "fa",  "ge",   "la",
                               "le", "ma", "me", "ne",   "pa",   "pe",  "que", "ra",  "re",   "sa",
                               "se", "ta", "te", "tion", "ment", "eau", "eur", "ère", "ette", "ou"};
constexpr sv kFrHashtags[] = {"PSG",       "OM",    "Ligue1",   "Paris",        "France",
                              "Politique", "Grève", "Musique",  "BonneJournée", "Vendredi",
                              "Cinéma",    "Météo", "Élection", "Québec",       "Football"};
constexpr sv kFrPunctuation[] = {",", ".", " !", " ?", "...", " :"};
constexpr sv kFrFirst[] = {"Camille", "Léa",    "Lucas",   "Hugo",     "Chloé",  "Louis", "Manon",
                           "Nathan",  "Inès",   "Théo",    "Emma",     "Jules",  "Sarah", "Antoine",
                           "Zoé",     "Maxime", "Clément", "Juliette", "Élodie", "Mathis"};
constexpr sv kFrLast[] = {"Martin", "Bernard", "Dubois",   "Thomas", "Robert",  "Richard", "Petit",
                          "Durand", "Leroy",   "Moreau",   "Simon",  "Laurent", "Lefèvre", "Michel",
                          "Garcia", "David",   "Bertrand", "Roux",   "Vincent", "Fournier"};
constexpr sv kFrHandles[] = {"camille", "lea",  "lucas", "hugo", "chloe",    "louis", "manon",
                             "nathan",  "ines", "theo",  "emma", "jules",    "sarah", "antoine",
                             "zoe",     "max",  "le",    "la",   "officiel", "info"};
constexpr PlaceData kFrPlaces[] = {
    {"Paris", "Paris, France", "FR", "France", 2.224101, 48.815573, 2.469920, 48.902145},
    {"Lyon", "Lyon, France", "FR", "France", 4.771849, 45.707367, 4.898393, 45.808281},
    {"Marseille", "Marseille, France", "FR", "France", 5.228641, 43.169617, 5.532598, 43.391064},
    {"Montréal", "Montréal, Québec", "CA", "Canada", -73.974147, 45.410076, -73.476246, 45.705417},
    {"Bruxelles", "Bruxelles, Belgique", "BE", "Belgique", 4.313692, 50.796395, 4.437098,
     50.913716},
};
constexpr WebSiteData kFrSites[] = {
    {"www.lemonde.fr", UrlStyle::kArticle},
    {"www.lefigaro.fr", UrlStyle::kNumbered},
    {"www.francetvinfo.fr", UrlStyle::kNumbered},
    {"www.lequipe.fr", UrlStyle::kArticle},
};

// ---------------------------------------------------------------------------------- German
constexpr sv kDeWords[] = {
    "die",        "der",      "und",        "ich",        "das",        "ist",         "nicht",
    "zu",         "du",       "ein",        "es",         "sie",        "in",          "mit",
    "den",        "auf",      "für",        "mir",        "dass",       "auch",        "sich",
    "so",         "wie",      "mich",       "aber",       "eine",       "wir",         "was",
    "hat",        "noch",     "bin",        "mal",        "dem",        "hier",        "nur",
    "schon",      "jetzt",    "wenn",       "kann",       "man",        "heute",       "immer",
    "ja",         "nein",     "gut",        "mehr",       "sehr",       "alle",        "oder",
    "diese",      "wieder",   "danke",      "Liebe",      "Leben",      "Zeit",        "Tag",
    "morgen",     "Abend",    "Nacht",      "Jahr",       "Jahre",      "Welt",        "Menschen",
    "Leute",      "Spiel",    "Mannschaft", "Tor",        "Bundesliga", "Regierung",   "Wahl",
    "Kanzler",    "Musik",    "Film",       "Kaffee",     "Arbeit",     "Schule",      "Familie",
    "Freunde",    "schön",    "neue",       "groß",       "klein",      "wirklich",    "endlich",
    "genau",      "einfach",  "vielleicht", "warum",      "über",       "müssen",      "können",
    "würde",      "geht",     "gibt",       "macht",      "sagt",       "Deutschland", "Berlin",
    "Wetter",     "Regen",    "Sonne",      "Sommer",     "Winter",     "Woche",       "Wochenende",
    "Geburtstag", "Glück",    "bitte",      "Grüße",      "Straße",     "größte",      "Ärger",
    "öffentlich", "übrigens", "Bahn",       "Verspätung",
};
constexpr sv kDeSyllables[] = {"ba",   "be",  "de", "di", "en", "er",  "ge",  "ha", "ke",  "la",
                               "le",   "ma",  "me", "ne", "re", "sch", "ste", "te", "ung", "keit",
                               "lich", "ver", "zu", "ö",  "ü",  "ä",   "ß",   "ei", "au",  "kr"};
constexpr sv kDeHashtags[] = {"Bundesliga", "FCBayern",          "BVB",         "Berlin",
                              "Wahl",       "Politik",           "Klimaschutz", "Fußball",
                              "Musik",      "Montagsmotivation", "Wetter",      "Hamburg",
                              "München",    "Deutschland",       "Tatort"};
constexpr sv kDePunctuation[] = {",", ".", "!", "?", "...", ":"};
constexpr sv kDeFirst[] = {"Lukas", "Anna",   "Leon",   "Marie",      "Felix",  "Lena",  "Jonas",
                           "Laura", "Paul",   "Julia",  "Maximilian", "Sophie", "Jan",   "Lea",
                           "Tim",   "Hannah", "Niklas", "Katharina",  "Tobias", "Jürgen"};
constexpr sv kDeLast[] = {"Müller",  "Schmidt",  "Schneider", "Fischer", "Weber",
                          "Meyer",   "Wagner",   "Becker",    "Schulz",  "Hoffmann",
                          "Schäfer", "Koch",     "Bauer",     "Richter", "Klein",
                          "Wolf",    "Schröder", "Neumann",   "Schwarz", "Zimmermann"};
constexpr sv kDeHandles[] = {"lukas", "anna",   "leon",  "marie", "felix",     "lena", "jonas",
                             "laura", "paul",   "julia", "max",   "sophie",    "jan",  "lea",
                             "tim",   "hannah", "der",   "die",   "offiziell", "news"};
constexpr PlaceData kDePlaces[] = {
    {"Berlin", "Berlin, Deutschland", "DE", "Deutschland", 13.088304, 52.338079, 13.760909,
     52.675323},
    {"München", "München, Bayern", "DE", "Deutschland", 11.360777, 48.061624, 11.72291, 48.248116},
    {"Hamburg", "Hamburg, Deutschland", "DE", "Deutschland", 9.73079, 53.39502, 10.32538,
     53.739226},
    {"Wien", "Wien, Österreich", "AT", "Österreich", 16.182222, 48.117666, 16.577511, 48.322574},
    {"Zürich", "Zürich, Schweiz", "CH", "Schweiz", 8.448018, 47.320203, 8.625452, 47.434666},
};
constexpr WebSiteData kDeSites[] = {
    {"www.spiegel.de", UrlStyle::kArticle},
    {"www.zeit.de", UrlStyle::kArticle},
    {"www.tagesschau.de", UrlStyle::kNumbered},
    {"www.bild.de", UrlStyle::kNumbered},
};

// Shares of the seven languages (sum 1), close to their shares of the public sample stream.
constexpr LanguageData kLanguages[kLanguageCount] = {
    {"en", 0.45, true, kEnWords, kEnSyllables, kEnHashtags, kEnPunctuation, kEnFirst, kEnLast,
     kEnHandles, kEnPlaces, kEnSites},
    {"ja", 0.17, false, kJaWords, kJaSyllables, kJaHashtags, kJaPunctuation, kJaFirst, kJaLast,
     kJaHandles, kJaPlaces, kJaSites},
    {"es", 0.14, true, kEsWords, kEsSyllables, kEsHashtags, kEsPunctuation, kEsFirst, kEsLast,
     kEsHandles, kEsPlaces, kEsSites},
    {"pt", 0.09, true, kPtWords, kPtSyllables, kPtHashtags, kPtPunctuation, kPtFirst, kPtLast,
     kPtHandles, kPtPlaces, kPtSites},
    {"ar", 0.07, true, kArWords, kArSyllables, kArHashtags, kArPunctuation, kArFirst, kArLast,
     kArHandles, kArPlaces, kArSites},
    {"fr", 0.05, true, kFrWords, kFrSyllables, kFrHashtags, kFrPunctuation, kFrFirst, kFrLast,
     kFrHandles, kFrPlaces, kFrSites},
    {"de", 0.03, true, kDeWords, kDeSyllables, kDeHashtags, kDePunctuation, kDeFirst, kDeLast,
     kDeHandles, kDePlaces, kDeSites},
};

}  // namespace

const LanguageData& GetLanguageData(Language language) {
  return kLanguages[static_cast<int>(language)];
}

}  // namespace sluice
