// Punycode (RFC 3492), the encoding behind the `xn--` labels of internationalised domain names.
//
// Hand-written because no package available to campaignctl implements it on Linux: Foundation's URL
// does not expose IDNA, and ICU's `uidna` is only reachable through a private toolchain module.

/// RFC 3492 Punycode for a single label, without the `xn--` prefix.
public enum Punycode {
    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN = 0x80
    private static let delimiter: Unicode.Scalar = "-"

    /// Encodes a label (e.g. `bücher` → `bcher-kva`); nil when the result would overflow.
    public static func encode(_ s: String) -> String? {
        let input = s.unicodeScalars.map { Int($0.value) }
        var output = String.UnicodeScalarView()
        for value in input where value < 0x80 {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            output.append(scalar)
        }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 {
            output.append(delimiter)
        }
        var n = initialN
        var delta = 0
        var bias = initialBias
        while handled < input.count {
            guard let next = input.filter({ $0 >= n }).min() else { return nil }
            let (product, productOverflow) = (next - n).multipliedReportingOverflow(by: handled + 1)
            guard !productOverflow, product <= Int(Int32.max) - delta else { return nil }
            delta += product
            n = next
            for value in input {
                if value < n {
                    delta += 1
                    guard delta <= Int(Int32.max) else { return nil }
                }
                if value == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = threshold(k, bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(output)
    }

    /// Decodes a label (e.g. `bcher-kva` → `bücher`); nil when the input is not valid Punycode.
    public static func decode(_ s: String) -> String? {
        let input = Array(s.unicodeScalars)
        var output: [Int] = []
        var position = 0
        if let lastDelimiter = input.lastIndex(of: delimiter) {
            for scalar in input[..<lastDelimiter] {
                guard scalar.isASCII else { return nil }
                output.append(Int(scalar.value))
            }
            position = lastDelimiter + 1
        }
        var n = initialN
        var i = 0
        var bias = initialBias
        while position < input.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard position < input.count, let value = digitValue(input[position]) else { return nil }
                position += 1
                let (step, stepOverflow) = value.multipliedReportingOverflow(by: w)
                guard !stepOverflow, step <= Int(Int32.max) - i else { return nil }
                i += step
                let t = threshold(k, bias)
                if value < t { break }
                let (nextW, wOverflow) = w.multipliedReportingOverflow(by: base - t)
                guard !wOverflow, nextW <= Int(Int32.max) else { return nil }
                w = nextW
                k += base
            }
            let length = output.count + 1
            bias = adapt(i - oldI, length, oldI == 0)
            guard i / length <= Int(Int32.max) - n else { return nil }
            n += i / length
            i %= length
            guard n >= initialN, Unicode.Scalar(n) != nil else { return nil }
            output.insert(n, at: i)
            i += 1
        }
        var result = String.UnicodeScalarView()
        for value in output {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            result.append(scalar)
        }
        return String(result)
    }

    private static func threshold(_ k: Int, _ bias: Int) -> Int {
        if k <= bias + tMin { return tMin }
        if k >= bias + tMax { return tMax }
        return k - bias
    }

    private static func adapt(_ delta: Int, _ numPoints: Int, _ firstTime: Bool) -> Int {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    /// The lower-case basic code point of digit `d` (0...35): a–z then 0–9.
    private static func digit(_ d: Int) -> Unicode.Scalar {
        let value = d < 26 ? 0x61 + d : 0x30 + d - 26
        return Unicode.Scalar(UInt8(value))
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 0x30...0x39: return Int(scalar.value) - 0x30 + 26
        case 0x41...0x5A: return Int(scalar.value) - 0x41
        case 0x61...0x7A: return Int(scalar.value) - 0x61
        default: return nil
        }
    }
}
