import Crypto
import Foundation

/// A sale, or a refund, read from one Stripe event.
struct StripeSale: Sendable, Hashable {
    var eventID: String
    var type: String
    /// The event's `created` (Unix seconds).
    var created: Int64
    var campaignID: String?
    var productID: String?
    /// Where the attribution came from (`metadata`, `client_reference_id`, `success_url`), for messages.
    var attribution: String?
    var paymentIntent: String?
    var chargeID: String?
    /// ISO 4217, upper-case.
    var currency: String
    var orders: Int64
    var amountMicros: Int64
    var refundMicros: Int64

    /// What identifies the event's content in campaignctl's model; an event id seen again with another digest is
    /// not a retry but a different event.
    var digest: String {
        let fields: [String] = [
            type, String(created), campaignID ?? "", productID ?? "", paymentIntent ?? "", chargeID ?? "", currency,
            String(orders), String(amountMicros), String(refundMicros),
        ]
        return Hex.encode(SHA256.hash(data: Array(fields.joined(separator: "\u{1F}").utf8)))
    }
}

/// Reads Stripe webhook events (the `event` envelope) into sales.
///
/// Counted: `checkout.session.completed` (when paid) and `checkout.session.async_payment_succeeded` as one order of
/// `amount_total`; `charge.succeeded` as one order of `amount` unless a checkout session already counts the same
/// payment intent; `charge.refunded` subtracts what this event refunded (`amount_refunded` minus
/// `previous_attributes.amount_refunded`, so partial refunds add up). Other types are skipped, each with its reason.
///
/// Attribution, first found wins: `metadata.campaign_id` / `metadata.product_id` (or `utm_id` / `utm_content`), then
/// `client_reference_id` written `<campaign>` or `<campaign>__<product>` (Stripe allows only letters, digits, `-` and
/// `_` there), then the `utm_id` (campaign) and `utm_content` (product) parameters that campaignctl puts on every Buy
/// link, as carried over to the session's `success_url`.
enum StripeEvents {
    /// An event turned into a sale, or skipped with a reason.
    enum Outcome: Sendable {
        case sale(StripeSale)
        case skipped(eventID: String, reason: String)
    }

    /// Whether `object` is a Stripe event envelope.
    static func isEvent(_ object: [String: Any]) -> Bool {
        object["object"] as? String == "event" && object["type"] is String && object["data"] is [String: Any]
    }

    /// Whether `object` is a Stripe list (`stripe events list` output).
    static func isEventList(_ object: [String: Any]) -> Bool {
        object["object"] as? String == "list" && object["data"] is [Any]
    }

    /// Interprets one event; throws a message for an event of a counted type that lacks what it needs.
    static func interpret(_ event: [String: Any]) throws(StripeEventError) -> Outcome {
        guard let id = event["id"] as? String, !id.isEmpty else {
            throw StripeEventError(eventID: nil, message: "the event has no id")
        }
        guard let type = event["type"] as? String else {
            throw StripeEventError(eventID: id, message: "the event has no type")
        }
        guard let created = (event["created"] as? NSNumber)?.int64Value else {
            throw StripeEventError(eventID: id, message: "the event has no created timestamp")
        }
        let data = event["data"] as? [String: Any] ?? [:]
        guard let object = data["object"] as? [String: Any] else {
            throw StripeEventError(eventID: id, message: "the event has no data.object")
        }
        func fail(_ message: String) -> StripeEventError {
            StripeEventError(eventID: id, message: "\(type): \(message)")
        }
        func amount(_ key: String, in object: [String: Any]) throws(StripeEventError) -> Int64 {
            guard let number = object[key] as? NSNumber, Double(number.int64Value) == number.doubleValue,
                number.int64Value >= 0
            else {
                throw fail("data.object.\(key) is missing or not a whole number of minor units")
            }
            return number.int64Value
        }
        func currency() throws(StripeEventError) -> String {
            guard let code = (object["currency"] as? String)?.uppercased(), code.utf8.count == 3,
                code.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A })
            else {
                throw fail("data.object.currency is missing or not an ISO 4217 code")
            }
            return code
        }
        var sale = StripeSale(
            eventID: id,
            type: type,
            created: created,
            currency: "",
            orders: 0,
            amountMicros: 0,
            refundMicros: 0
        )
        switch type {
        case "checkout.session.completed", "checkout.session.async_payment_succeeded":
            let status = object["payment_status"] as? String ?? ""
            if type == "checkout.session.completed", status == "unpaid" {
                return .skipped(
                    eventID: id,
                    reason: "checkout session not paid yet (delayed payment method): it counts when "
                        + "checkout.session.async_payment_succeeded arrives"
                )
            }
            if object["mode"] as? String == "setup" {
                return .skipped(eventID: id, reason: "a setup-mode checkout session takes no payment")
            }
            sale.currency = try currency()
            sale.amountMicros = try micros(amount("amount_total", in: object), currency: sale.currency)
            sale.orders = 1
            sale.paymentIntent = object["payment_intent"] as? String
            attribute(&sale, metadata: object["metadata"], reference: object["client_reference_id"] as? String)
            if sale.campaignID == nil, let url = object["success_url"] as? String {
                attribute(&sale, url: url)
            }
        case "charge.succeeded":
            if object["captured"] as? Bool == false {
                return .skipped(eventID: id, reason: "charge authorized but not captured: no money moved yet")
            }
            sale.currency = try currency()
            sale.amountMicros = try micros(amount("amount", in: object), currency: sale.currency)
            sale.orders = 1
            sale.paymentIntent = object["payment_intent"] as? String
            sale.chargeID = object["id"] as? String
            attribute(&sale, metadata: object["metadata"], reference: nil)
        case "charge.refunded":
            sale.currency = try currency()
            let total = try amount("amount_refunded", in: object)
            let previous = data["previous_attributes"] as? [String: Any]
            let before = (previous?["amount_refunded"] as? NSNumber)?.int64Value ?? 0
            guard total >= before else {
                throw fail("amount_refunded went down from \(before) to \(total)")
            }
            sale.refundMicros = try micros(total - before, currency: sale.currency)
            sale.paymentIntent = object["payment_intent"] as? String
            sale.chargeID = object["id"] as? String
            attribute(&sale, metadata: object["metadata"], reference: nil)
        default:
            return .skipped(
                eventID: id,
                reason: "'\(type)' is not a sale event (campaignctl counts checkout.session.completed, "
                    + "checkout.session.async_payment_succeeded, charge.succeeded and charge.refunded)"
            )
        }
        return .sale(sale)
    }

    /// Minor units to micros with Stripe's exponents.
    ///
    /// Hand-written: Stripe's list differs from ISO 4217 (ISK and UGX are ISO zero-decimal but Stripe's ISK has two
    /// decimals), see https://docs.stripe.com/currencies#zero-decimal and #three-decimal.
    static func micros(_ minor: Int64, currency: String) throws(StripeEventError) -> Int64 {
        let exponent = stripeExponent(currency)
        var scale: Int64 = 1
        for _ in 0..<(6 - exponent) {
            scale *= 10
        }
        let (value, overflow) = minor.multipliedReportingOverflow(by: scale)
        guard !overflow else {
            throw StripeEventError(eventID: nil, message: "amount \(minor) \(currency) is too large")
        }
        return value
    }

    static func stripeExponent(_ currency: String) -> Int {
        switch currency {
        case "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF",
            "XPF":
            0
        case "BHD", "JOD", "KWD", "OMR", "TND":
            3
        default:
            2
        }
    }

    private static func attribute(_ sale: inout StripeSale, metadata: Any?, reference: String?) {
        if let metadata = metadata as? [String: Any] {
            let campaign = (metadata["campaign_id"] ?? metadata["utm_id"]) as? String
            let product = (metadata["product_id"] ?? metadata["utm_content"]) as? String
            if let campaign, !campaign.isEmpty {
                sale.campaignID = campaign
                sale.productID = product.flatMap { $0.isEmpty ? nil : $0 }
                sale.attribution = "metadata"
                return
            }
        }
        if let reference, !reference.isEmpty {
            let parts = reference.split(separator: "__", maxSplits: 1, omittingEmptySubsequences: false)
            sale.campaignID = String(parts[0])
            sale.productID = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
            sale.attribution = "client_reference_id"
        }
    }

    private static func attribute(_ sale: inout StripeSale, url: String) {
        guard let items = URLComponents(string: url)?.queryItems else {
            return
        }
        let campaign = items.first { $0.name == "utm_id" }?.value
        guard let campaign, !campaign.isEmpty else {
            return
        }
        sale.campaignID = campaign
        sale.productID = items.first { $0.name == "utm_content" }?.value.flatMap { $0.isEmpty ? nil : $0 }
        sale.attribution = "success_url"
    }
}

/// A Stripe event of a counted type that cannot be read.
struct StripeEventError: Error, Sendable {
    var eventID: String?
    var message: String
}
