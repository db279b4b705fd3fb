using Microsoft.Extensions.Options;

namespace Custodian.Tests.Configuration;

/// <summary>A bad value in any section stops the host before it starts, naming the section and the key.</summary>
public sealed class OptionsValidationTests(BuiltHosts hosts) : IClassFixture<BuiltHosts>
{
    [Theory]
    [InlineData(BuiltHosts.Silo, "KeyRotation:PageSize", "-1")]
    [InlineData(BuiltHosts.Silo, "KeyRotation:ReminderPeriod", "-00:01:00")]
    [InlineData(BuiltHosts.Silo, "Backup:Period", "-01:00:00")]
    [InlineData(BuiltHosts.Silo, "Backup:Retention", "00:00:00")]
    [InlineData(BuiltHosts.Silo, "Access:MinimumIPv4Prefix", "-8")]
    [InlineData(BuiltHosts.Silo, "Audit:Partitions", "0")]
    [InlineData(BuiltHosts.Silo, "Mail:Port", "0")]
    [InlineData(BuiltHosts.Silo, "Requests:DueSoonWithin", "-1.00:00:00")]
    [InlineData(BuiltHosts.Gateway, "Security:EvaluationPeriod", "00:00:00")]
    [InlineData(BuiltHosts.Gateway, "Audit:Partitions", "-4")]
    [InlineData(BuiltHosts.Gateway, "Denials:PerSecond", "-1")]
    [InlineData(BuiltHosts.Gateway, "Gateway:Port", "70000")]
    [InlineData(BuiltHosts.Gateway, "Jwt:MaximumLifetime", "00:00:00")]
    [InlineData(BuiltHosts.Silo, "Security:DraftIncident", "state-integrity,no-such-rule")]
    [InlineData(BuiltHosts.Silo, "Security:AutoSuspend", "state-integrity")]
    [InlineData(BuiltHosts.Gateway, "Security:Enabled", "audit-tamper")]
    public void AHostWithABadValueStopsBeforeItStartsNamingTheSectionAndKey(string host, string key, string value)
    {
        // Arrange
        var settings = hosts.Settings(host);
        settings[key] = value;

        // Act
        var error = Assert.Throws<OptionsValidationException>(() => BuiltHosts.Build(host, settings));

        // Assert
        Assert.Contains(key + ":", error.Message);
    }

    [Fact]
    public void DraftIncidentMayNameTheAlertsThePlatformRaisesItself()
    {
        var rules = new Custodian.Security.SecurityRules { DraftIncident = "state-integrity, audit-tamper, volume" };

        var errors = rules.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(rules)).ToList();

        Assert.Empty(errors);
        Assert.True(rules.OpensIncident(Custodian.Security.SecurityRuleNames.StateIntegrity));
    }
}
