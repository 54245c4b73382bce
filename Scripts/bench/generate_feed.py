#!/usr/bin/env python3
"""Generate a large, realistic Google Merchant Center RSS 2.0 feed for import benchmarks.

    generate_feed.py --items N --out FILE [--seed S] [--gzip] [--manifest FILE.json]
    generate_feed.py --items N --out FILE --day2-of-seed S [--change-rate 0.02] [--seed S2]

Only the Python 3 standard library is used. The output is streamed: items are formatted in
batches and written through a large buffer, so memory stays flat at any N. The same arguments
always give the same bytes.

Each item has a CDATA description with limited HTML (div, ul, li, strong, em), `&amp;` in some
titles, French/German accents and a few CJK titles or emoji, variants (g:item_group_id groups of
2–6 that differ by g:color and/or g:size), 1–2 g:shipping blocks, 0–4 g:additional_image_link,
a GTIN-13 with a correct GS1 check digit (all GTINs are unique), g:brand, g:mpn, g:product_type,
g:google_product_category and custom labels. About 15 % of items have a g:sale_price; about 1 %
are preorder/backorder with a g:availability_date.

Broken items (exactly one problem each, every other item is valid): item number i (0-based, in
base order) is broken when i % 200 == 137, so 0.5 %. The kind rotates with (i // 200) % 5:
  0 missing_price               (no g:price, no g:sale_price)
  1 invalid_gtin                (GS1 check digit off by one)
  2 sale_price_not_below_price  (g:sale_price > g:price)
  3 invalid_availability        (`lieferbar`, not a Google enum and not a Meta-style spelling)
  4 title_too_long              (more than 150 characters)

Day-2 mode (--day2-of-seed S) regenerates the same base items from seed S, then:
  - changes about --change-rate of the valid items: the price (1/2 of changes), the title
    (1/4) or the availability in_stock <-> out_of_stock (1/4);
  - removes about 0.1 % of the valid items;
  - adds about 0.1 % new valid items (ids `NEW-…`), each placed right after a base item.
Broken items are never changed or removed, so they stay broken with the same ids. The changes
are seeded by --seed when it is given, otherwise by S.

A one-line summary goes to stderr. --manifest writes the ids of broken, changed, removed and
added items as JSON, for tests that assert exact sets.
"""
import argparse
import gzip
import json
import sys
import time

M64 = (1 << 64) - 1


def mix(x):
    """splitmix64 finaliser: a fast, well-spread 64-bit hash."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


# --------------------------------------------------------------------------- data pools
SHOP = "https://www.example.com"
CDN = "https://cdn.example.com"

# (brand as XML text, mpn prefix, GS1 prefix of 3 digits). No 02/04/05/2x/98/99 prefixes.
BRANDS = [
    ("Maison Lumière", "ML", "377"), ("Atelier Rivage", "AR", "370"), ("Lainages d’Aubrac", "LA", "366"),
    ("Müller &amp; Söhne", "MS", "400"), ("Nordlicht", "NL", "401"), ("Schwarzwald Holz", "SH", "402"),
    ("Casa Serena", "CS", "800"), ("Terra &amp; Fuoco", "TF", "801"), ("Luz del Sur", "LS", "840"),
    ("Hollandse Waren", "HW", "871"), ("Bruxelles Maison", "BM", "540"), ("Alpenglück", "AG", "760"),
    ("Kaze 風", "KZ", "490"), ("Hanami 花見", "HN", "491"), ("Fjord &amp; Co", "FC", "700"),
    ("Værelse", "VR", "570"), ("Bohème Paris", "BP", "376"), ("Côté Jardin", "CJ", "300"),
    ("Provence &amp; Sens", "PS", "371"), ("Brandt Küchen", "BK", "403"), ("Ostsee Leinen", "OL", "404"),
    ("Porto Cerâmica", "PC", "560"), ("Oslo Form", "OF", "702"), ("Wiener Werkstätte Neu", "WW", "900"),
]

COLOURS = [
    "Naturel", "Blanc cassé", "Terracotta", "Vert sauge", "Bleu nuit", "Ocre", "Gris perle", "Rose poudré",
    "Schwarz", "Weiß", "Anthrazit", "Dunkelgrün", "Senfgelb", "Taupe", "Écru", "Bordeaux", "Kaki",
    "Argile", "Moutarde", "Sable", "Graphite", "Céladon", "Petrol", "Rouille", "Lavande", "Ivoire",
    "藍色", "墨色",
]
SIZE_SETS = [
    ["XS", "S", "M", "L", "XL", "XXL"],
    ["36", "38", "40", "42", "44", "46"],
    ["140x200", "200x200", "240x220", "260x240", "135x200", "155x220"],
    ["Ø 20 cm", "Ø 24 cm", "Ø 28 cm", "Ø 32 cm", "Ø 36 cm", "Ø 40 cm"],
    ["50 × 70 cm", "60 × 90 cm", "120 × 180 cm", "160 × 230 cm", "200 × 300 cm", "250 × 350 cm"],
    ["0,5 L", "0,75 L", "1 L", "1,5 L", "2 L", "3 L"],
    ["S", "M", "L", "XL", "Einheitsgröße", "Taille unique"],
]

# (google_product_category id, product_type path as XML text, nouns, adjectives, size set index)
CATEGORIES = [
    ("2541", "Maison &gt; Linge de lit &gt; Housses de couette",
     ["Housse de couette", "Bettbezug", "Parure de lit", "Duvet Cover"], ["en lin lavé", "aus Baumwollsatin", "en percale", "stonewashed"], 2),
    ("2314", "Maison &gt; Linge de lit &gt; Draps", ["Drap housse", "Spannbettlaken", "Drap plat"],
     ["en lin", "aus Jersey", "en gaze de coton", "bio"], 2),
    ("4454", "Maison &gt; Décoration &gt; Coussins", ["Housse de coussin", "Kissenhülle", "Coussin brodé", "Cushion Cover"],
     ["en velours côtelé", "aus Leinen", "en lin lavé", "bouclé"], 6),
    ("1985", "Maison &gt; Décoration &gt; Plaids", ["Plaid", "Wolldecke", "Jeté de canapé", "Throw"],
     ["en laine mérinos", "aus Kaschmir", "en coton gaufré", "mohair"], 6),
    ("588", "Maison &gt; Décoration &gt; Bougies", ["Bougie parfumée", "Duftkerze", "Bougie 3 mèches", "キャンドル"],
     ["Figuier &amp; Cèdre", "Feu de bois", "Zimt &amp; Orange", "Fleur d’oranger"], 6),
    ("3553", "Maison &gt; Arts de la table &gt; Assiettes", ["Assiette plate", "Speiseteller", "Assiette creuse", "Plate"],
     ["en grès émaillé", "aus Steingut", "en porcelaine", "handgemacht"], 3),
    ("3498", "Maison &gt; Arts de la table &gt; Bols", ["Bol", "Müslischale", "Bol à soupe", "茶碗"],
     ["en grès", "aus Keramik", "émaillé à la main", "matt glasiert"], 3),
    ("2169", "Maison &gt; Arts de la table &gt; Mugs &amp; tasses", ["Mug", "Kaffeebecher", "Tasse à thé", "湯呑み"],
     ["moucheté", "aus Steinzeug", "en faïence", "doppelwandig"], 5),
    ("3330", "Maison &gt; Arts de la table &gt; Carafes", ["Carafe", "Karaffe", "Pichet", "急須"],
     ["en verre soufflé", "aus Kristallglas", "en verre recyclé", "mit Korken"], 5),
    ("4143", "Maison &gt; Arts de la table &gt; Linge de table", ["Nappe", "Tischdecke", "Chemin de table", "Tablecloth"],
     ["en lin enduit", "aus Halbleinen", "jacquard", "brodée main"], 4),
    ("4636", "Maison &gt; Luminaires &gt; Lampes", ["Lampe à poser", "Tischleuchte", "Lampadaire", "Floor Lamp"],
     ["en céramique", "aus Messing", "en rotin", "mit Leinenschirm"], 6),
    ("2524", "Maison &gt; Luminaires &gt; Suspensions", ["Suspension", "Pendelleuchte", "Lustre", "Pendant Light"],
     ["en rotin tressé", "aus Papier", "en laiton brossé", "opalglas"], 3),
    ("602", "Maison &gt; Décoration &gt; Vases", ["Vase", "Blumenvase", "Soliflore", "花瓶"],
     ["en grès chamotté", "aus Glas", "en terre cuite", "mundgeblasen"], 3),
    ("598", "Maison &gt; Tapis &gt; Tapis de salon", ["Tapis", "Teppich", "Tapis berbère", "Rug"],
     ["tissé main", "aus Schurwolle", "en jute", "kelim"], 4),
    ("577", "Maison &gt; Tapis &gt; Tapis de bain", ["Tapis de bain", "Badematte", "Bath Mat"],
     ["en coton bouclé", "aus Frottee", "antidérapant", "waffle"], 4),
    ("573", "Maison &gt; Rangement &gt; Paniers", ["Panier", "Korb", "Corbeille", "Basket"],
     ["en jonc de mer", "aus Seegras", "en osier", "geflochten"], 6),
    ("595", "Maison &gt; Décoration &gt; Miroirs", ["Miroir", "Spiegel", "Miroir soleil", "Mirror"],
     ["en rotin", "aus Eichenholz", "en laiton", "oval"], 3),
    ("4203", "Maison &gt; Arts de la table &gt; Serviettes", ["Serviettes de table", "Stoffservietten", "Napkins"],
     ["en lin lavé (lot de 4)", "aus Leinen (4er-Set)", "brodées", "gesäumt"], 6),
    ("2927", "Maison &gt; Linge de lit &gt; Taies d’oreiller", ["Taie d’oreiller", "Kissenbezug", "Pillowcase"],
     ["en lin lavé", "aus Perkal", "en satin de coton", "mit Hotelverschluss"], 4),
    ("3802", "Maison &gt; Arts de la table &gt; Plats de service", ["Plat de service", "Servierplatte", "Plateau", "Platter"],
     ["en grès", "aus Olivenholz", "en marbre", "emailliert"], 3),
]

SENTENCES = [
    "Tissé puis lavé à la pierre dans les Vosges, il arrive tout doux et s’assouplit encore au fil des lavages.",
    "Chaque pièce est façonnée à la main : de légères variations de teinte font tout son charme.",
    "Un essentiel de la maison, pensé pour durer et se patiner avec le temps.",
    "In unserer Manufaktur in Süddeutschland von Hand gefertigt, jedes Stück ein Unikat.",
    "Die natürliche Struktur des Materials sorgt für eine warme, gemütliche Atmosphäre.",
    "Pflegeleicht: bei 40 °C in der Maschine waschbar, nicht in den Trockner geben.",
    "Designed in Copenhagen, made in Portugal from certified, traceable materials.",
    "Fabriqué en France dans un atelier familial labellisé Entreprise du Patrimoine Vivant.",
    "Le coloris peut légèrement varier selon l’écran ; photos non contractuelles.",
    "Idéal pour composer une table de fête ou un coin lecture cosy en hiver.",
    "Ses finitions soignées — ourlets larges, coutures renforcées — garantissent une belle tenue.",
    "Verpackt in recyceltem Karton, ohne Plastik, klimaneutral versendet.",
    "丁寧に手作りされた一点もの。自然な風合いをお楽しみください。",
    "Une idée cadeau qui fait toujours plaisir 🎁, livrée dans un joli papier de soie.",
    "Matériaux certifiés Oeko-Tex® Standard 100, sans substances nocives.",
    "Entretien : laver à l’envers, ne pas utiliser d’adoucissant, repasser à basse température.",
]
FEATURES = [
    "100 % lin européen", "Lavable en machine à 40 °C", "Compatible lave-vaisselle &amp; micro-ondes",
    "Hergestellt in Deutschland", "Fermeture à boutons en corozo", "Garantie 2 ans", "Livré monté",
    "Ampoule E27 non fournie", "Fait main au Portugal", "Verre 100 % recyclé", "Laine mérinos extra-fine",
    "Durée de combustion : 45 h", "Mèche en coton, cire végétale", "Spülmaschinenfest", "Nicht für Mikrowelle",
    "Épaisseur 2 cm", "Antidérapant", "Origine : France 🇫🇷", "Édition limitée ✨", "Poids : 1,2 kg",
]
LABEL0 = ["hiver-2026", "essentiels", "printemps-2027", "noel-2026", "soldes", "nouveautes"]
LABEL1 = ["high", "mid", "low"]
LABEL2 = ["best-seller", "standard", "longue-traine", "destockage"]

SHIP_FR = "\n<g:shipping>\n  <g:country>FR</g:country>\n  <g:service>Colissimo</g:service>\n  <g:price>{}</g:price>\n  <g:min_handling_time>1</g:min_handling_time>\n  <g:max_handling_time>3</g:max_handling_time>\n</g:shipping>"
SHIP_DE = "\n<g:shipping>\n  <g:country>DE</g:country>\n  <g:service>DHL Paket</g:service>\n  <g:price>{}</g:price>\n</g:shipping>"
SHIP_BE = "\n<g:shipping>\n  <g:country>BE</g:country>\n  <g:service>bpost</g:service>\n  <g:price>{}</g:price>\n  <g:min_handling_time>1</g:min_handling_time>\n  <g:max_handling_time>4</g:max_handling_time>\n</g:shipping>"
SHIP_CH = "\n<g:shipping>\n  <g:country>CH</g:country>\n  <g:service>La Poste Suisse</g:service>\n  <g:price>{}</g:price>\n</g:shipping>"
SHIPPINGS = [
    SHIP_FR.format("4.90 EUR"),
    SHIP_FR.format("0.00 EUR"),
    SHIP_FR.format("4.90 EUR") + SHIP_BE.format("7.90 EUR"),
    SHIP_FR.format("0.00 EUR") + SHIP_CH.format("14.90 EUR"),
    SHIP_DE.format("5.95 EUR"),
    SHIP_DE.format("0.00 EUR") + SHIP_FR.format("6.90 EUR"),
    SHIP_FR.format("9.90 EUR") + SHIP_DE.format("9.90 EUR"),
    SHIP_BE.format("7.90 EUR"),
]
# Item children are indented by two spaces; the shipping blocks are indented once, here.
SHIPPINGS = [s.replace("\n", "\n  ") for s in SHIPPINGS]


def build_prices():
    """Strictly increasing price points (cents) from 3.90 to ~1,500 EUR, and their strings."""
    cents, c = [], 390
    while c < 150000:
        cents.append(c)
        c = int(c * 1.035) // 10 * 10 + 9 if c > 1000 else c + 50
    return cents, [f"{x // 100}.{x % 100:02d} EUR" for x in cents]


PRICE_CENTS, PRICE_STR = build_prices()
NPRICE = len(PRICE_CENTS)
# Sale prices: 10 %, 15 %, 20 %, 30 % off, rounded down to 10 cents minus 1 cent (always < price).
SALE_STR = [[f"{s // 100}.{s % 100:02d} EUR" for s in ((x * (100 - off) // 100) // 10 * 10 - 1 for off in (10, 15, 20, 30))]
            for x in PRICE_CENTS]

# GS1 check digit via lookup tables: body = 3-digit prefix + 9-digit serial.
# Weights for a 13-digit code, counted from the right on the 12-digit body: 3,1,3,1,...
W_HI = [0] * 10000      # serial digits 1-4 (body positions 4..7)
W_LO = [0] * 100000     # serial digits 5-9 (body positions 8..12)


def _init_gs1():
    def wsum(digits, first_pos):
        # first_pos = 1-based position in the 12-digit body of the first digit
        s = 0
        for k, ch in enumerate(digits):
            pos = first_pos + k
            s += int(ch) * (3 if (12 - pos) % 2 == 0 else 1)
        return s
    for x in range(10000):
        W_HI[x] = wsum(f"{x:04d}", 4)
    for x in range(100000):
        W_LO[x] = wsum(f"{x:05d}", 8)
    return {p: wsum(p, 1) for _, _, p in BRANDS}


W_PFX = _init_gs1()


def gtin13(prefix, serial):
    # A bijection on 0..10^9-1 (3^18 is coprime with 10): unique serials give unique, random-looking GTINs.
    serial = (serial * 387420489 + 271828182) % 1000000000
    hi, lo = divmod(serial, 100000)
    s = W_PFX[prefix] + W_HI[hi] + W_LO[lo]
    return f"{prefix}{serial:09d}{(10 - s % 10) % 10}"


# --------------------------------------------------------------------------- item rendering
IND = "\n  "
LONG_TITLE_TAIL = (" – édition spéciale avec finitions artisanales, coutures renforcées, étiquette brodée, "
                   "emballage cadeau recyclé et carte personnalisée offerte")


class Feed:
    def __init__(self, seed):
        self.key = mix(seed & M64)

    def products(self):
        """Yields (product index, list of variant dicts) forever, in a fixed order."""
        key = self.key
        ncat, nbrand, ncol = len(CATEGORIES), len(BRANDS), len(COLOURS)
        nsent, nfeat = len(SENTENCES), len(FEATURES)
        p = 0
        while True:
            h = mix(key ^ (p * 0x9E3779B97F4A7C15 & M64))
            h2 = mix(h)
            cat = CATEGORIES[h % ncat]
            gpc, ptype, nouns, adjs, size_set = cat
            brand, mpn_pfx, gs1 = BRANDS[(h >> 8) % nbrand]
            noun = nouns[(h >> 16) % len(nouns)]
            adj = adjs[(h >> 20) % len(adjs)]
            r = (h >> 24) & 0xFF
            if r < 140:
                nvar = 1
            else:
                nvar = 2 + (r % 5)          # 2..6
            sizes = SIZE_SETS[size_set]
            # variants differ by size (ns sizes) and/or colour
            ns = 1 if nvar == 1 else 1 + ((h >> 32) % nvar)
            c0 = (h >> 36) % ncol
            s0 = (h >> 40) % 2
            base_pi = (h >> 42) % (NPRICE - 30)
            slug = f"{p:07d}"
            # description (shared by the variants of a product)
            d = h2
            s0_ = d % nsent                 # sentences s0_, s0_+5, s0_+10, s0_+15 are distinct
            parts = ["<![CDATA[<div>", SENTENCES[s0_], " ", SENTENCES[(s0_ + 5) % nsent]]
            if d & 0x100:
                parts += [" <strong>", SENTENCES[(s0_ + 10) % nsent], "</strong>"]
            parts.append("</div><ul>")
            f0 = (d >> 9) % nfeat           # features f0, f0+7, f0+14, ... are distinct
            for k in range(2 + ((d >> 13) % 3)):
                parts += ["<li>", FEATURES[(f0 + 7 * k) % nfeat], "</li>"]
            parts.append("</ul>")
            if (d >> 33) & 3 == 0:
                parts += ["<div><em>", SENTENCES[(s0_ + 15) % nsent], "</em></div>"]
            parts.append("]]>")
            desc = "".join(parts)
            group = f"G-{mpn_pfx}-{p:07d}" if nvar > 1 else None
            label0 = LABEL0[(h2 >> 40) % len(LABEL0)]
            label1 = LABEL1[(h2 >> 44) % 3]
            label2 = LABEL2[(h2 >> 46) % 4] if (h2 >> 48) & 1 else None
            title_base = f"{brand} – {noun} {adj}"
            variants = []
            for v in range(nvar):
                hv = mix(h2 ^ (v + 1))
                colour = COLOURS[(c0 + v // ns) % ncol]
                size = sizes[(s0 + v % ns) % len(sizes)] if (nvar > 1 or hv & 1) else None
                pi = base_pi + (v % ns) * 2
                title = f"{title_base} – {colour} – {size}" if size else f"{title_base} – {colour}"
                av_r = (hv >> 8) & 0x3FF
                if av_r < 8:
                    avail, adate = "preorder", "2027-01-%02dT09:00+0100" % (1 + (hv >> 20) % 28)
                elif av_r < 12:
                    avail, adate = "backorder", "2026-12-%02dT09:00+0100" % (1 + (hv >> 20) % 28)
                elif av_r < 80:
                    avail, adate = "out_of_stock", None
                else:
                    avail, adate = "in_stock", None
                variants.append({
                    "id": f"{mpn_pfx}-{p:07d}-{v + 1:02d}",
                    "title": title,
                    "link": f"{SHOP}/p/{slug}-{v + 1}",
                    "desc": desc,
                    "img": f"{CDN}/img/{slug}/{v + 1}/main.{'jpg' if hv & 2 else 'png'}",
                    "nimg": (hv >> 4) % 5,
                    "avail": avail, "adate": adate,
                    "pi": pi,
                    "sale": ((hv >> 24) % 20 < 3),     # 15 %
                    "sale_k": (hv >> 30) % 4,
                    "brand": brand, "gs1": gs1,
                    "mpn": f"{mpn_pfx}{p:07d}{v:X}",
                    "group": group, "colour": colour, "size": size,
                    "gpc": gpc, "ptype": ptype,
                    "ship": SHIPPINGS[(hv >> 34) % len(SHIPPINGS)],
                    "l0": label0, "l1": label1, "l2": label2,
                })
            yield p, variants
            p += 1


def render(it, serial, broken_kind=-1):
    """One <item> as a string. serial is unique per item (it makes the GTIN)."""
    pi = it["pi"]
    title = it["title"]
    if broken_kind == 4:
        title = title + LONG_TITLE_TAIL
    parts = [
        "<item>", IND, "<g:id>", it["id"], "</g:id>",
        IND, "<title>", title, "</title>",
        IND, "<link>", it["link"], "</link>",
        IND, "<description>", it["desc"], "</description>",
        IND, "<g:image_link>", it["img"], "</g:image_link>",
    ]
    img = it["img"]
    for k in range(it["nimg"]):
        parts += [IND, "<g:additional_image_link>", img[:-8], "alt-", str(k + 2), ".jpg</g:additional_image_link>"]
    avail = "lieferbar" if broken_kind == 3 else it["avail"]
    parts += [IND, "<g:availability>", avail, "</g:availability>"]
    if it["adate"] and broken_kind != 3:
        parts += [IND, "<g:availability_date>", it["adate"], "</g:availability_date>"]
    if broken_kind != 0:
        parts += [IND, "<g:price>", PRICE_STR[pi], "</g:price>"]
        if broken_kind == 2:
            parts += [IND, "<g:sale_price>", PRICE_STR[pi + 3], "</g:sale_price>"]
        elif it["sale"]:
            parts += [IND, "<g:sale_price>", SALE_STR[pi][it["sale_k"]], "</g:sale_price>"]
    g = gtin13(it["gs1"], serial)
    if broken_kind == 1:
        g = g[:-1] + str((int(g[-1]) + 1) % 10)
    parts += [
        IND, "<g:condition>new</g:condition>",
        IND, "<g:brand>", it["brand"], "</g:brand>",
        IND, "<g:gtin>", g, "</g:gtin>",
        IND, "<g:mpn>", it["mpn"], "</g:mpn>",
    ]
    if it["group"]:
        parts += [IND, "<g:item_group_id>", it["group"], "</g:item_group_id>"]
    parts += [IND, "<g:color>", it["colour"], "</g:color>"]
    if it["size"]:
        parts += [IND, "<g:size>", it["size"], "</g:size>"]
    parts += [
        IND, "<g:google_product_category>", it["gpc"], "</g:google_product_category>",
        IND, "<g:product_type>", it["ptype"], "</g:product_type>",
        it["ship"],
        IND, "<g:custom_label_0>", it["l0"], "</g:custom_label_0>",
        IND, "<g:custom_label_1>", it["l1"], "</g:custom_label_1>",
    ]
    if it["l2"]:
        parts += [IND, "<g:custom_label_2>", it["l2"], "</g:custom_label_2>"]
    parts.append("\n</item>\n")
    return "".join(parts)


BROKEN_KINDS = ["missing_price", "invalid_gtin", "sale_price_not_below_price", "invalid_availability",
                "title_too_long"]
TITLE_SUFFIXES = [" – nouvelle édition", " – Neuauflage", " (2027)", " – new edition"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, required=True, help="number of base items (day 1)")
    ap.add_argument("--out", required=True, help="output file ('-' for stdout)")
    ap.add_argument("--seed", type=int, default=None, help="seed (default 1); in day-2 mode, seeds the changes")
    ap.add_argument("--day2-of-seed", type=int, default=None, metavar="S",
                    help="write the day-2 version of the feed generated with seed S")
    ap.add_argument("--change-rate", type=float, default=0.02, help="day-2 share of changed items (default 0.02)")
    ap.add_argument("--remove-rate", type=float, default=0.001, help="day-2 share of removed items (default 0.001)")
    ap.add_argument("--add-rate", type=float, default=0.001, help="day-2 share of added items (default 0.001)")
    ap.add_argument("--gzip", action="store_true", help="gzip the output")
    ap.add_argument("--gzip-level", type=int, default=6, help="gzip level 1-9 (default 6)")
    ap.add_argument("--manifest", help="write broken/changed/removed/added ids to this JSON file")
    args = ap.parse_args(argv)

    day2 = args.day2_of_seed is not None
    base_seed = args.day2_of_seed if day2 else (args.seed if args.seed is not None else 1)
    change_seed = args.seed if (day2 and args.seed is not None) else base_seed
    ckey = mix(mix(change_seed & M64) ^ 0xD2D2D2D2D2D2D2D2)
    # thresholds on a 20-bit draw
    t_remove = int(args.remove_rate * (1 << 20)) if day2 else 0
    t_change = t_remove + (int(args.change_rate * (1 << 20)) if day2 else 0)
    t_add = int(args.add_rate * (1 << 20)) if day2 else 0

    t0 = time.perf_counter()
    if args.out == "-":
        raw = sys.stdout.buffer
    else:
        raw = open(args.out, "wb", buffering=8 << 20)
    out = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=args.gzip_level, mtime=0) if args.gzip else raw

    header = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n'
        "<channel>\n"
        "<title>Example Home &amp; Living – benchmark feed</title>\n"
        f"<link>{SHOP}/</link>\n"
        f"<description>Synthetic Google Merchant Center feed, seed {base_seed}, {args.items} base items"
        f"{' (day 2)' if day2 else ''}</description>\n"
    )
    nbytes = 0
    b = header.encode("utf-8")
    out.write(b)
    nbytes += len(b)

    broken = {k: [] for k in BROKEN_KINDS}
    changed = {"price": [], "title": [], "availability": []}
    removed, added = [], []
    written = 0
    batch = []
    i = 0
    N = args.items
    feed = Feed(base_seed)
    add_serial = 900_000_000
    nfeed = 0
    for p, variants in feed.products():
        for it in variants:
            if i >= N:
                break
            kind = (i // 200) % 5 if i % 200 == 137 else -1
            if kind >= 0:
                broken[BROKEN_KINDS[kind]].append(it["id"])
            serial = i
            emit = True
            if day2 and kind < 0:
                r = mix(ckey ^ i)
                draw = r & 0xFFFFF
                if draw < t_remove:
                    emit = False
                    removed.append(it["id"])
                elif draw < t_change:
                    what = (r >> 20) & 3
                    if what == 2 and it["avail"] in ("in_stock", "out_of_stock"):
                        it["avail"] = "out_of_stock" if it["avail"] == "in_stock" else "in_stock"
                        changed["availability"].append(it["id"])
                    elif what == 3:
                        it["title"] = it["title"] + TITLE_SUFFIXES[(r >> 22) % 4]
                        changed["title"].append(it["id"])
                    else:
                        step = 1 + (r >> 24) % 4
                        if it["sale"] or (r >> 28) & 1 or it["pi"] < step:
                            it["pi"] += step          # up: keeps any sale price below the price
                        else:
                            it["pi"] -= step
                        changed["price"].append(it["id"])
            if emit:
                batch.append(render(it, serial, kind))
                written += 1
            if day2 and kind < 0 and ((mix(ckey ^ (i + 0x5A5A5A5A5A)) >> 8) & 0xFFFFF) < t_add:
                # a brand-new product, listed right after this item
                na = len(added)
                new = dict(it)
                hn = mix(ckey ^ (0xADD << 40) ^ na)
                new["id"] = f"NEW-{na + 1:07d}"
                new["link"] = f"{SHOP}/p/new-{na + 1:07d}"
                new["img"] = f"{CDN}/img/new/{na + 1:07d}/main.jpg"
                new["group"] = None
                new["title"] = it["title"].split(" – ")[0] + " – " + CATEGORIES[hn % len(CATEGORIES)][2][0] + " (nouveauté)"
                new["avail"], new["adate"] = "in_stock", None
                new["pi"] = hn % (NPRICE - 30)
                new["sale"] = False
                new["mpn"] = f"NEW{na + 1:07d}"
                batch.append(render(new, add_serial + na, -1))
                added.append(new["id"])
                written += 1
            i += 1
            if len(batch) >= 2000:
                b = "".join(batch).encode("utf-8")
                out.write(b)
                nbytes += len(b)
                batch.clear()
        if i >= N:
            break
    b = ("".join(batch) + "</channel>\n</rss>\n").encode("utf-8")
    out.write(b)
    nbytes += len(b)
    if args.gzip:
        out.close()
    if raw is not sys.stdout.buffer:
        raw.close()
    else:
        raw.flush()
    dt = time.perf_counter() - t0

    nbroken = sum(len(v) for v in broken.values())
    nchanged = sum(len(v) for v in changed.values())
    msg = (f"generate_feed: {written} items, {nbytes} bytes (uncompressed), {nbytes / max(written, 1):.0f} bytes/item, "
           f"broken {nbroken} ({', '.join(f'{k} {len(v)}' for k, v in broken.items())})")
    if day2:
        msg += (f"; day 2 of seed {base_seed}: changed {nchanged} (price {len(changed['price'])}, "
                f"title {len(changed['title'])}, availability {len(changed['availability'])}), "
                f"removed {len(removed)}, added {len(added)}")
    msg += f"; {dt:.1f} s, {written / dt:,.0f} items/s"
    print(msg, file=sys.stderr)

    if args.manifest:
        with open(args.manifest, "w", encoding="utf-8") as f:
            json.dump({
                "seed": base_seed, "day2": day2, "items_written": written, "bytes": nbytes,
                "broken": broken,
                "changed": changed if day2 else None,
                "removed": removed if day2 else None,
                "added": added if day2 else None,
            }, f, ensure_ascii=False, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
