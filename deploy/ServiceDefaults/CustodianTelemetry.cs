using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Custodian.Hosting;

/// <summary>
/// OpenTelemetry for silos and the gateway: metrics, traces and logs, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured (the Aspire app host sets it for its dashboard).
/// Without an endpoint nothing is registered, so nothing listens, buffers or exports.
/// </summary>
public static class CustodianTelemetry
{
    /// <summary>The standard OTLP endpoint setting; read from configuration, so environment variables and tests both set it.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Custodian's own meters and activity sources are all named <c>Custodian.*</c>.</summary>
    public const string CustodianSources = "Custodian.*";

    /// <summary>
    /// Adds metrics (Custodian's meters, Orleans, ASP.NET Core and Kestrel, HttpClient, the .NET runtime),
    /// traces (ASP.NET Core, HttpClient, Orleans grain calls, Custodian's sources) and logs, exported over
    /// OTLP. <paramref name="serviceName"/> is used unless <c>OTEL_SERVICE_NAME</c> is configured.
    /// Spans pass through <see cref="TelemetryRedaction"/> before export, so they carry no grain ids,
    /// URL queries, storage keys or exception messages.
    /// </summary>
    public static IHostApplicationBuilder AddCustodianTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            telemetry.ConfigureResource(resource => resource.AddService(serviceName));
        }

        telemetry
            .WithMetrics(metrics => metrics
                .AddMeter(CustodianSources, "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                // First, so every exporter added after it sees only redacted spans.
                .AddProcessor(new TelemetryRedaction())
                .AddSource(CustodianSources, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }
}
