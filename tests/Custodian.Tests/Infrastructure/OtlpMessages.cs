using Google.Protobuf;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// Reads the parts of OTLP export requests (opentelemetry/proto, collector v1) that tests look at,
/// straight from the protobuf wire format: spans with their trace ids and attributes, and
/// histogram points with their attributes and counts. String attributes only.
/// </summary>
public static class OtlpMessages
{
    /// <summary>Every span in an <c>ExportTraceServiceRequest</c>.</summary>
    public static IEnumerable<OtlpSpan> Spans(byte[] body) =>
        from resourceSpans in Messages(body, 1)
        let service = ServiceName(resourceSpans)
        from scopeSpans in Messages(resourceSpans, 2)
        let scope = Text(Messages(scopeSpans, 1).FirstOrDefault(), 1)
        from span in Messages(scopeSpans, 2)
        select new OtlpSpan(
            service,
            scope,
            Text(span, 5),
            Convert.ToHexString(Bytes(span, 1)).ToLowerInvariant(),
            Attributes(span, 9));

    /// <summary>Every point of the histogram <paramref name="metric"/> in an <c>ExportMetricsServiceRequest</c>.</summary>
    public static IEnumerable<OtlpHistogramPoint> HistogramPoints(byte[] body, string metric) =>
        from resourceMetrics in Messages(body, 1)
        let service = ServiceName(resourceMetrics)
        from scopeMetrics in Messages(resourceMetrics, 2)
        from m in Messages(scopeMetrics, 2)
        where Text(m, 1) == metric
        from histogram in Messages(m, 9)
        from point in Messages(histogram, 1)
        select new OtlpHistogramPoint(service, metric, Attributes(point, 9), Fixed64(point, 4));

    private static string ServiceName(byte[] resourceContainer) =>
        Messages(resourceContainer, 1).Select(r => Attributes(r, 1)).FirstOrDefault()?.GetValueOrDefault("service.name") ?? "";

    /// <summary>KeyValue fields (key = 1, AnyValue value = 2 with string_value = 1).</summary>
    private static IReadOnlyDictionary<string, string> Attributes(byte[] message, int field) =>
        Messages(message, field)
            .Select(kv => (Key: Text(kv, 1), Value: Text(Messages(kv, 2).FirstOrDefault(), 1)))
            .GroupBy(kv => kv.Key)
            .ToDictionary(g => g.Key, g => g.Last().Value);

    private static IEnumerable<byte[]> Messages(byte[]? message, int field) =>
        Fields(message).Where(f => f.Field == field && f.Bytes is not null).Select(f => f.Bytes!);

    private static string Text(byte[]? message, int field) =>
        Messages(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b)).FirstOrDefault() ?? "";

    private static byte[] Bytes(byte[] message, int field) => Messages(message, field).FirstOrDefault() ?? [];

    private static ulong Fixed64(byte[] message, int field) => Fields(message).Where(f => f.Field == field).Select(f => f.Number).FirstOrDefault();

    private static List<(int Field, byte[]? Bytes, ulong Number)> Fields(byte[]? message)
    {
        var fields = new List<(int, byte[]?, ulong)>();
        if (message is null)
        {
            return fields;
        }

        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited:
                    fields.Add((field, input.ReadBytes().ToByteArray(), 0));
                    break;
                case WireFormat.WireType.Varint:
                    fields.Add((field, null, input.ReadUInt64()));
                    break;
                case WireFormat.WireType.Fixed64:
                    fields.Add((field, null, input.ReadFixed64()));
                    break;
                case WireFormat.WireType.Fixed32:
                    fields.Add((field, null, input.ReadFixed32()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return fields;
    }
}
