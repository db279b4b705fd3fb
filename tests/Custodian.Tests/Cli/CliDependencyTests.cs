using System.Text.Json;
using Custodian.Cli;

namespace Custodian.Tests.Cli;

/// <summary>
/// The <c>custodian</c> CLI is a gRPC client: it carries no ASP.NET Core, no Orleans and no Azure SDK, and
/// gets development tokens from Custodian.Tokens rather than the services' hosting library.
/// </summary>
public sealed class CliDependencyTests
{
    // Assembly names and package ids both: Orleans' assemblies are Orleans.*, its packages Microsoft.Orleans.*.
    private static readonly string[] _serverSide = ["Microsoft.AspNetCore", "Orleans", "Microsoft.Orleans", "Azure", "Custodian.ServiceDefaults"];

    [Fact]
    public void TheCliAssembliesReferenceNoServerSideAssembly()
    {
        // Arrange: the CLI and the Custodian libraries it loads
        var cli = typeof(CustodianCli).Assembly;
        var custodian = cli.GetReferencedAssemblies().Where(a => a.Name!.StartsWith("Custodian.", StringComparison.Ordinal)).Select(System.Reflection.Assembly.Load);

        // Act
        var referenced = cli.GetReferencedAssemblies().Concat(custodian.SelectMany(a => a.GetReferencedAssemblies())).Select(a => a.Name!).Distinct().ToList();

        // Assert
        Assert.Contains("Grpc.Net.Client", referenced);
        Assert.Contains("Custodian.Tokens", referenced);
        Assert.DoesNotContain(referenced, IsServerSide);
    }

    [Fact]
    public void TheCliDependsOnNoServerSidePackageOrFramework()
    {
        // Arrange: the CLI's own deps.json and runtimeconfig.json, copied beside the tests from its build output
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "custodian.deps.json")));
        using var runtime = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "custodian.runtimeconfig.json")));

        // Act
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/')[0]).ToList();
        var options = runtime.RootElement.GetProperty("runtimeOptions");
        var frameworks = (options.TryGetProperty("frameworks", out var many) ? many.EnumerateArray().ToList() : [options.GetProperty("framework")])
            .Select(f => f.GetProperty("name").GetString()!)
            .ToList();

        // Assert
        Assert.Contains("Grpc.Net.Client", libraries);
        Assert.DoesNotContain(libraries, IsServerSide);
        Assert.Equal(["Microsoft.NETCore.App"], frameworks);
    }

    private static bool IsServerSide(string name) =>
        _serverSide.Any(prefix => name == prefix || name.StartsWith(prefix + ".", StringComparison.OrdinalIgnoreCase));
}
