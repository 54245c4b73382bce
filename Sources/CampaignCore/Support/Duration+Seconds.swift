extension Duration {
    /// The duration in seconds, as a `Double` (for reports, timers and waits; never for money).
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
