extension CampaignPreview {
    /// The page's only style sheet, inlined: local system fonts, no `url(…)`, nothing fetched.
    static let style = """
        *, *::before, *::after { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body {
          margin: 0; background: #f7f9f9; color: #0f1419;
          font: 15px/1.35 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial,
            "Liberation Sans", "DejaVu Sans", sans-serif;
        }
        code, .url, .digest {
          font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono",
            monospace;
          font-size: 12.5px;
        }
        .page { max-width: 600px; margin: 0 auto; padding: 12px 12px 24px; }
        .banner {
          border: 1px solid #d4a72c; background: #fff8e1; border-radius: 12px; padding: 8px 12px;
          margin-bottom: 12px; color: #5c4400;
        }
        .banner p, .banner h1 { margin: 0; }
        .banner-title { font-size: 15px; font-weight: 700; }
        .banner-meta { font-size: 13px; overflow-wrap: anywhere; }
        .post {
          display: grid; grid-template-columns: 40px minmax(0, 1fr); column-gap: 12px;
          background: #fff; border: 1px solid #eff3f4; border-radius: 16px; padding: 12px 16px 8px;
        }
        .avatar {
          width: 40px; height: 40px; border-radius: 50%; background: #0f1419; color: #fff;
          display: flex; align-items: center; justify-content: center; font-weight: 700; font-size: 18px;
        }
        .post-main { min-width: 0; }
        .author { margin: 0 0 2px; display: flex; flex-wrap: wrap; column-gap: 4px; }
        .name { font-weight: 700; }
        .handle { color: #536471; }
        .tweet-text { margin: 0 0 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
        .link, .tag { color: #1d9bf0; text-decoration: none; }
        .invisible {
          font: 700 11px/1 ui-monospace, monospace; color: #b3261e; background: #fde7e9;
          border: 1px solid #b3261e; border-radius: 3px; padding: 0 2px;
        }
        .card {
          border: 1px solid #cfd9de; border-radius: 16px; overflow: hidden; background: #fff;
          break-inside: avoid; page-break-inside: avoid;
        }
        .media { position: relative; background: linear-gradient(135deg, #eef3f6, #d5dee5); overflow: hidden; }
        .media img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; display: block; }
        .media img::after {
          content: "Image not loaded\\A" attr(alt); white-space: pre-wrap; position: absolute; inset: 0;
          display: flex; align-items: center; justify-content: center; text-align: center; padding: 12px;
          background: linear-gradient(135deg, #eef3f6, #d5dee5); color: #536471; font-size: 13px;
        }
        .media .position, .approver-title .position {
          display: inline-flex; align-items: center; justify-content: center; min-width: 22px; height: 22px;
          padding: 0 6px; border-radius: 11px; font-size: 12px; font-weight: 700;
        }
        .media .position { position: absolute; top: 8px; right: 8px; background: rgba(15, 20, 25, .75); color: #fff; }
        .card-body { padding: 10px 12px 12px; }
        .from { margin: 0; color: #536471; font-size: 13px; overflow-wrap: anywhere; }
        .headline { margin: 2px 0 4px; font-size: 15px; font-weight: 700; line-height: 1.3; overflow-wrap: anywhere; }
        .prices { margin: 0 0 10px; display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 8px; }
        .price { font-weight: 700; font-size: 17px; }
        .original { color: #536471; }
        .buy {
          display: block; text-align: center; background: #0f1419; color: #fff; font-weight: 700;
          border-radius: 9999px; padding: 8px 16px; text-decoration: none; overflow-wrap: anywhere;
        }
        .buy-disabled { background: #8b98a5; }
        .single + .single { margin-top: 12px; }
        .carousel {
          display: flex; gap: 10px; overflow-x: auto; scroll-snap-type: x mandatory; align-items: stretch;
          padding-bottom: 6px; overscroll-behavior-x: contain;
        }
        .slide { flex: 0 0 82%; min-width: 0; scroll-snap-align: start; display: flex; flex-direction: column; }
        .slide .approver { flex: 1 0 auto; margin-bottom: 0; }
        .thumbnails { display: grid; gap: 8px; margin: 8px 0 12px; grid-template-columns: repeat(2, minmax(0, 1fr)); }
        .thumbnails-3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
        .thumbnails-4 { grid-template-columns: repeat(4, minmax(0, 1fr)); }
        .card-thumbnail { border-radius: 12px; display: flex; flex-direction: column; }
        .card-thumbnail .card-body { padding: 6px 8px 8px; flex: 1 0 auto; display: flex; flex-direction: column; }
        .card-thumbnail .buy { margin-top: auto; }
        .card-thumbnail .from { display: none; }
        .card-thumbnail .headline { font-size: 13px; }
        .card-thumbnail .price { font-size: 14px; }
        .card-thumbnail .original { font-size: 12px; }
        .card-thumbnail .prices { margin-bottom: 6px; }
        .card-thumbnail .buy { padding: 4px 8px; font-size: 13px; }
        .card-thumbnail .media .position { top: 4px; right: 4px; }
        .approver {
          margin: 8px 0 12px; padding: 8px 10px; border: 1px dashed #d4a72c; border-radius: 10px;
          background: #fffbea; font-size: 13px; break-inside: avoid; page-break-inside: avoid;
        }
        .approver-title { margin: 0 0 4px; font-size: 13px; display: flex; align-items: center; gap: 6px; }
        .approver-title .position { background: #5c4400; color: #fff; }
        .forms { margin: 0 0 4px; }
        .forms-same { color: #0a6b3d; }
        .forms-differ { color: #8a1c12; background: #fde7e9; border-radius: 6px; padding: 4px 6px; }
        .urls, .facts { margin: 0; display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 8px; }
        .urls dt, .facts dt { color: #5c4400; font-weight: 600; }
        .urls dd, .facts dd { margin: 0; min-width: 0; }
        .url { overflow-wrap: anywhere; word-break: break-all; unicode-bidi: isolate; }
        .host { color: #0f1419; background: #ffe9a8; font-weight: 700; }
        .checks { list-style: none; margin: 4px 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; }
        .checks li {
          background: #e6f4ea; color: #0a6b3d; border-radius: 9999px; padding: 1px 8px; font-size: 12px;
        }
        .checks-none { margin: 4px 0; color: #8a1c12; font-weight: 700; }
        .facts { margin-top: 6px; }
        .promoted { display: flex; align-items: center; gap: 4px; margin: 10px 0 0; color: #536471; font-size: 13px; }
        .icon { width: 16px; height: 16px; flex: none; }
        .actions { display: flex; justify-content: space-between; max-width: 420px; margin-top: 8px; color: #536471; }
        .actions .icon { width: 18px; height: 18px; }
        .panel {
          margin-top: 12px; background: #fff; border: 1px solid #eff3f4; border-radius: 16px; padding: 12px 16px;
          break-inside: avoid; page-break-inside: avoid;
        }
        .panel h2 { margin: 0 0 8px; font-size: 17px; }
        .panel dl { margin: 0; display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 12px; }
        .panel dt { color: #536471; }
        .panel dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
        .digest { overflow-wrap: anywhere; word-break: break-all; }
        .micros { color: #536471; }
        .none { color: #536471; font-style: italic; }
        .over { color: #b3261e; }
        @media (max-width: 420px) {
          .page { padding: 6px; }
          .post { padding: 10px; column-gap: 8px; }
          .slide { flex-basis: 88%; }
          .thumbnails-4 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
          .panel dl, .urls, .facts { grid-template-columns: minmax(0, 1fr); }
          .panel dd, .urls dd, .facts dd { margin-bottom: 4px; }
        }
        @media print {
          body { background: #fff; font-size: 12px; }
          .page { padding: 0; }
          .banner, .approver, .forms-differ, .host, .checks li, .invisible, .buy, .media, .avatar, .position {
            -webkit-print-color-adjust: exact; print-color-adjust: exact;
          }
          .post, .panel { border-color: #cfd9de; }
          /* No scroll container on paper: each card beside its approver box, one card per row. */
          .carousel { overflow: visible; display: block; padding: 0; }
          .slide, .single {
            display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 2fr); gap: 10px; align-items: start;
            margin: 0 0 10px; break-inside: avoid; page-break-inside: avoid;
          }
          .slide .approver, .single .approver { margin: 0; }
          .collection { max-width: 420px; }
          .approver, .approver-title { font-size: 11px; }
          .approver .url, .approver code { font-size: 10px; }
          .checks li { font-size: 10px; padding: 0 6px; }
          .card, .approver, .panel dt, .panel dd { break-inside: avoid; page-break-inside: avoid; }
          .actions { display: none; }
        }

        """
}
