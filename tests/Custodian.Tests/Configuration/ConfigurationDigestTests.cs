using System.Reflection;
using Custodian.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Custodian.Tests.Configuration;

/// <summary>The configuration digest covers every section a host binds, and no secret.</summary>
public sealed class ConfigurationDigestTests(BuiltHosts hosts) : IClassFixture<BuiltHosts>
{
    private static readonly string[] Hosts = [BuiltHosts.Silo, BuiltHosts.Gateway];

    [Theory]
    [InlineData("Incidents:OfficerEmail", "officer@example.org", "security@example.org")]
    [InlineData("Incidents:EscalateAfter:0", "1.00:00:00", "2.00:00:00")]
    [InlineData("Requests:DueSoonWithin", "7.00:00:00", "3.00:00:00")]
    [InlineData("Mail:Host", "relay-one.example.org", "relay-two.example.org")]
    [InlineData("Mail:MaxRetryDelay", "00:05:00", "00:10:00")]
    [InlineData("Denials:PerSecond", "20", "40")]
    public void TheSilosDigestChangesWhenASettingOfIncidentsRequestsOrMailChanges(string key, string one, string other)
    {
        var before = hosts.DigestWith(BuiltHosts.Silo, key, one);

        var after = hosts.DigestWith(BuiltHosts.Silo, key, other);

        Assert.NotEqual(before, after);
    }

    [Theory]
    [InlineData(BuiltHosts.Silo, "Mail:Password")]
    [InlineData(BuiltHosts.Silo, "Jwt:SigningKey")]
    [InlineData(BuiltHosts.Silo, "AdminTls:Certificate:Password")]
    [InlineData(BuiltHosts.Silo, "ClusterTls:Certificate:Password")]
    [InlineData(BuiltHosts.Gateway, "Tls:Certificate:Password")]
    [InlineData(BuiltHosts.Gateway, "Jwt:SigningKey")]
    public void TheDigestDoesNotChangeWhenASecretChanges(string host, string key)
    {
        var before = hosts.DigestWith(host, key, "first-secret");

        var after = hosts.DigestWith(host, key, "second-secret");

        Assert.Equal(before, after);
    }

    [Fact]
    public void EveryOptionsTypeTheSiloAndTheGatewayBindFromConfigurationIsInTheirDigest()
    {
        foreach (var host in Hosts)
        {
            // Arrange: what the host's container binds from configuration, however it was registered.
            var bound = hosts.Services(host)
                .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
                .Select(d => d.ServiceType.GetGenericArguments()[0])
                .Where(IsCustodians)
                .Distinct()
                .ToList();
            var registry = hosts.App(host).Services.GetRequiredService<BoundSections>();

            // Act
            var digested = Sections(host);

            // Assert
            Assert.NotEmpty(bound);
            Assert.All(bound, type =>
            {
                Assert.True(registry.Types.TryGetValue(type, out var section), $"{type.Name} is bound without AddCustodianOptions");
                Assert.Contains(section, digested);
                Assert.NotEqual(hosts.DigestWith(host, $"{section}:DigestProbe", "1"), hosts.DigestWith(host, $"{section}:DigestProbe", "2"));
            });
            Assert.Equal(registry.Types.Keys.Order(ByName), bound.Order(ByName));
            Assert.Contains(ConfigurationDigest.ConnectionStrings, digested);
        }

        Assert.Superset(new HashSet<string>(["Incidents", "Requests", "Mail", "AdminTls"]), new HashSet<string>(Sections(BuiltHosts.Silo)));
        Assert.Superset(new HashSet<string>(["Tls", "Gateway", "Security"]), new HashSet<string>(Sections(BuiltHosts.Gateway)));
    }

    [Fact]
    public void EveryOptionsClassIsBoundThroughTheOneExtensionAndNoneIsRegisteredReadyMade()
    {
        // Arrange: every class that names a configuration section.
        var assemblies = new[] { typeof(Custodian.Silo.SiloApp), typeof(Custodian.Gateway.GatewayApp), typeof(Custodian.Backups.BackupOptions), typeof(Custodian.Access.AccessPolicy), typeof(JwtOptions) }
            .Select(t => t.Assembly);
        var optionsClasses = assemblies.SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field ? (string?)field.GetValue(null) : null))
            .Where(t => t.Section is not null)
            .ToList();

        // Act
        var bound = Hosts.SelectMany(host => hosts.App(host).Services.GetRequiredService<BoundSections>().Types)
            .ToLookup(pair => pair.Key, pair => pair.Value);
        var readyMade = Hosts.SelectMany(hosts.Services)
            .Where(d => !d.IsKeyedService && d.ImplementationInstance is { } instance
                && (optionsClasses.Any(o => o.Type == instance.GetType()) || IsOptionsOfCustodians(d.ServiceType)))
            .Select(d => d.ServiceType.Name)
            .ToList();

        // Assert
        Assert.True(optionsClasses.Count >= 18, $"only {optionsClasses.Count} options classes found");
        Assert.All(optionsClasses, o => Assert.Contains(o.Section, bound[o.Type]));
        Assert.Empty(readyMade);
    }

    private static readonly IComparer<Type> ByName = Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.FullName, b.FullName));

    private IReadOnlyList<string> Sections(string host) => hosts.App(host).Services.GetRequiredService<ConfigurationDigest>().Sections;

    private static bool IsCustodians(Type type) => type.Namespace?.StartsWith("Custodian", StringComparison.Ordinal) == true;

    private static bool IsOptionsOfCustodians(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IOptions<>) && IsCustodians(type.GetGenericArguments()[0]);
}
