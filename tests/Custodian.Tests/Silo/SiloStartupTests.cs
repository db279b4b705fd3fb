using Custodian.Silo;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Custodian.Tests.Silo;

/// <summary>A silo with bad configuration or keys stops before it writes anything.</summary>
public sealed class SiloStartupTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("custodian-startup-").FullName;
    private AzuriteServer _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("{\"format\":1,", "corrupt")]
    public async Task SiloWithAMissingOrCorruptKeyFileStopsWithAClearMessageAndWritesNothing(string keyFile, string message)
    {
        // Arrange
        var path = Path.Combine(_folder, "eu-west.kek.json");
        if (keyFile != "missing")
        {
            await File.WriteAllTextAsync(path, keyFile);
        }

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => SiloApp.Build([], (c, _) => c.AddInMemoryCollection(Settings(path))));

        // Assert
        Assert.Contains(message, error.Message);
        Assert.Contains(path, error.Message);
        Assert.Empty(await TablesAsync());
    }

    [Fact]
    public async Task SiloWithABadRegionNameStopsNamingTheSetting()
    {
        var settings = Settings(Path.Combine(_folder, "k.json"));
        settings["Silo:Region"] = "EU West";

        var error = Assert.Throws<OptionsValidationException>(() => SiloApp.Build([], (c, _) => c.AddInMemoryCollection(settings)));

        Assert.Contains("Silo:Region", error.Message);
        Assert.Empty(await TablesAsync());
    }

    [Fact]
    public async Task ATenantHomedAcrossResidencyZonesStopsTheSiloNamingTheTenant()
    {
        var settings = Settings(Path.Combine(_folder, "k.json"));
        settings["SecureStorage:CreateKeyFileIfMissing"] = "true";
        settings["Placement:Tenants:acme:Home"] = "eu-west,us-east";

        var error = Assert.Throws<OptionsValidationException>(() => SiloApp.Build([], (c, _) => c.AddInMemoryCollection(settings)));

        Assert.Contains("Placement:Tenants:acme:Home", error.Message);
        Assert.Contains("crosses residency zones", error.Message);
        Assert.Empty(await TablesAsync());
    }

    [Fact]
    public async Task ARegionPairedAcrossZonesStopsTheSilo()
    {
        var settings = Settings(Path.Combine(_folder, "k.json"));
        settings["SecureStorage:CreateKeyFileIfMissing"] = "true";
        settings["Placement:Regions:eu-north:Pair"] = "us-west";
        settings["Placement:Regions:us-west:Pair"] = "eu-north";
        settings["Placement:Regions:us-east:Pair"] = "eu-west";
        settings["Placement:Regions:eu-west:Pair"] = "us-east";

        var error = Assert.Throws<OptionsValidationException>(() => SiloApp.Build([], (c, _) => c.AddInMemoryCollection(settings)));

        Assert.Contains("Placement:Regions:eu-west:Pair", error.Message);
        Assert.Contains("different residency zones", error.Message);
        Assert.Empty(await TablesAsync());
    }

    private Dictionary<string, string?> Settings(string keyFile) => new(DevelopmentSecrets.In(_folder).Concat(
        TestPlacement.Settings(_azurite.ConnectionString, _azurite.ConnectionString, Path.Combine(_folder, "eu-north.kek.json"))))
    {
        ["Silo:Region"] = "eu-west",
        ["ConnectionStrings:Storage"] = _azurite.ConnectionString,
        ["SecureStorage:KeyFile"] = keyFile,
        ["SecureStorage:CreateKeyFileIfMissing"] = "false",
        ["AdminTls:Certificate:Path"] = Path.Combine(_folder, "admin.pfx"),
        ["AdminTls:Certificate:CreateIfMissing"] = "true",
    };

    private async Task<List<string>> TablesAsync()
    {
        var names = new List<string>();
        await foreach (var table in _azurite.Tables.QueryAsync())
        {
            names.Add(table.Name);
        }

        return names;
    }
}
