using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Monitoring;

/// <summary>
/// A platform whose silo and gateway export OpenTelemetry over OTLP/HTTP to an <see cref="OtlpReceiver"/>,
/// with short export intervals so a test sees its calls' telemetry within seconds.
/// </summary>
public sealed class TelemetryPlatform : Platform
{
    public OtlpReceiver Otlp { get; } = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Otlp.Dispose();
    }

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() => Telemetry();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraGatewaySettings() => Telemetry();

    private IEnumerable<KeyValuePair<string, string?>> Telemetry() =>
    [
        new("OTEL_EXPORTER_OTLP_ENDPOINT", Otlp.Endpoint),
        new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        new("OTEL_METRIC_EXPORT_INTERVAL", "1000"),
        new("OTEL_BSP_SCHEDULE_DELAY", "500"),
        new("OTEL_BLRP_SCHEDULE_DELAY", "500"),
    ];
}
