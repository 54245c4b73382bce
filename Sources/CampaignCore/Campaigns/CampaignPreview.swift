/// TEMPORARY placeholder until the preview renderer lands.
public enum CampaignPreview {
    /// The preview page.
    public static func html(manifest: CampaignManifest, digest: String, revision: Int, brand: String) -> String {
        "<!doctype html><title>\(manifest.name)</title>"
    }
}
