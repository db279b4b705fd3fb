using Custodian.Requests;
using Custodian.Silo;
using Custodian.Tests.Incidents;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging;

namespace Custodian.Tests.Regions;

/// <summary>
/// Both regions of the pair: eu-west (the platform's silo and gateway, its witness behind a link the test
/// can cut) and an eu-north silo that reaches the witness directly, so eu-west's lease can lapse while
/// eu-north probes it. Escalations are configured seconds before the 72-hour deadline, so a breach's
/// remaining notices fall after a failover; the officer gets mail.
/// </summary>
public sealed class FailoverPlatform : GeoPlatform
{
    /// <summary>The escalation points: 24 h (sent at once), and 20 and 10 seconds before the deadline.</summary>
    public static readonly TimeSpan[] Points = [TimeSpan.FromHours(24), TimeSpan.FromHours(72) - TimeSpan.FromSeconds(20), TimeSpan.FromHours(72) - TimeSpan.FromSeconds(10)];

    private WebApplication? _north;

    /// <summary>
    /// eu-north's clock of subject requests: 40 days ahead of eu-west's, so a request filed in eu-west is overdue
    /// (its month gone) as soon as eu-north holds it; the incidents' clock is the real one in both regions.
    /// </summary>
    public FakeTimeProvider NorthRequestClock { get; } = new(DateTimeOffset.UtcNow + TimeSpan.FromDays(40));

    /// <summary>The eu-north silo's grains.</summary>
    public IGrainFactory North => (_north ?? throw new InvalidOperationException("eu-north is not running")).Services.GetRequiredService<IGrainFactory>();

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSiloSettings() =>
    [
        .. base.ExtraSiloSettings(),
        new("Incidents:OfficerEmail", IncidentsPlatform.OfficerEmail),
        new("Incidents:DpoEmail", IncidentsPlatform.DpoEmail),
        .. Points.Select((p, i) => new KeyValuePair<string, string?>($"Incidents:EscalateAfter:{i}", p.ToString("c", System.Globalization.CultureInfo.InvariantCulture))),
    ];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var settings = SiloSettingsOf(PairRegion, PairAzurite, Region, Azurite);
        settings["ConnectionStrings:Witness"] = WitnessAzurite.ConnectionString;
        _north = SiloApp.Build([], (c, l) =>
        {
            c.AddInMemoryCollection(settings);
            l.AddProvider(Logs);
            l.Services.AddKeyedSingleton<TimeProvider>(RequestsOptions.ClockKey, NorthRequestClock); // the logging builder's collection is the silo's services
        });
        await _north.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        if (_north is not null)
        {
            await _north.StopAsync();
            await _north.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
