using System.Reflection;
using Custodian.Silo.Regions;

namespace Custodian.Tests.Regions;

/// <summary>Every grain of Custodian that keeps <c>secure</c> state has a placement scope by name, so none is written outside its tenant's pair by default.</summary>
public sealed class PlacementScopeTests
{
    [Fact]
    public void EverySecureGrainTypeIsPlacedByName()
    {
        var secure = typeof(Custodian.Subjects.DataSubjectGrain).Assembly.GetTypes()
            .Where(t => t.GetConstructors().Any(c => c.GetParameters().Any(p => p.GetCustomAttribute<PersistentStateAttribute>()?.StorageName == "secure")))
            .Select(t => t.Name[..^"Grain".Length].ToLowerInvariant())
            .ToList();

        Assert.True(secure.Count >= 13, $"only {secure.Count} grains with secure state found");
        Assert.All(secure, type => Assert.Contains(type, PlacementScope.KnownTypes));
    }

    [Theory]
    [InlineData("datasubject", "acme/c0ffee01", false, "acme")]
    [InlineData("subjectrequest", "acme/req-1", false, "acme")]
    [InlineData("incident", "acme/inc-1", false, "acme")]
    [InlineData("requestregister", "acme", false, "acme")]
    [InlineData("mailoutbox", "subject:acme/c0ffee01", false, "acme")]
    [InlineData("mailoutbox", "incident:acme/inc-1", false, "acme")]
    [InlineData("principal", "dev-app", false, "provider")]
    [InlineData("accessgrant", "grant-1", false, "provider")]
    [InlineData("backup", "eu-north", true, "eu-north")]
    [InlineData("principalactivity", "eu-west/dev-app", true, "eu-west")]
    [InlineData("securestatebench", "7", true, "eu-west")]
    public void AGrainIsScopedByItsTypeAndKey(string type, string key, bool isRegion, string name)
    {
        var scope = PlacementScope.Of(GrainId.Create(type, key), "eu-west");

        Assert.Equal(isRegion, scope.IsRegion);
        Assert.Equal(name, scope.Name);
        Assert.Equal(scope, PlacementScope.FromKey(scope.Key));
    }
}
