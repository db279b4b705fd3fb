using Custodian.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Custodian.Tests.Monitoring;

public sealed class TelemetryRegistrationTests
{
    [Fact]
    public void WithoutAnOtlpEndpointNoTelemetryIsRegistered()
    {
        using var host = Build(endpoint: null);

        Assert.Null(host.Services.GetService<MeterProvider>());
        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Fact]
    public void WithAnOtlpEndpointMetricsAndTracesAreRegistered()
    {
        using var host = Build(endpoint: "http://127.0.0.1:4318");

        Assert.NotNull(host.Services.GetService<MeterProvider>());
        Assert.NotNull(host.Services.GetService<TracerProvider>());
    }

    private static IHost Build(string? endpoint)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new(CustodianTelemetry.OtlpEndpointKey, endpoint)]);
        builder.AddCustodianTelemetry("test");
        return builder.Build();
    }
}
