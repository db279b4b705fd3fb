using System.Diagnostics;
using System.Text.Json;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Performance;

/// <summary>
/// The benchmark ladder's smoke run (<c>Custodian.Benchmarks ladder --smoke</c>), as built beside the tests: every rung
/// starts its processes, runs its calls through the real gateway, silo and Azurites, and has no errors; its report is
/// written. Its figures are not looked at (a smoke run is too short for them, and tests assert no timings).
/// </summary>
public sealed class LadderSmokeTests
{
    private static readonly string[] Rungs =
    [
        "L3 echo", "L4 read", "L4 write", "L4a read", "L4a write", "L5 write", "L6 write", "L6r write", "R- read", "L7 write",
        "R read", "R cold read", "L6raw table write", "raw pair write", "raw point read", "raw append", "L3 echo again",
    ];

    [Fact]
    public async Task EveryRungRunsWithoutErrors()
    {
        // Arrange: the benchmarks as built in this configuration
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var benchmarks = Path.Combine(RepositoryRoot.Path, "tests", "Benchmarks", "bin", configuration, "net10.0", "Custodian.Benchmarks.dll");
        Assert.True(File.Exists(benchmarks), $"{benchmarks} is not built");
        var output = Directory.CreateTempSubdirectory("custodian-ladder-smoke-").FullName;

        // Act
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { benchmarks, "ladder", "--smoke", "--out", output })
        {
            start.ArgumentList.Add(argument);
        }

        using var ladder = Process.Start(start)!;
        var stdout = ladder.StandardOutput.ReadToEndAsync();
        var stderr = ladder.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            await ladder.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            ladder.Kill(entireProcessTree: true);
            throw;
        }

        // Assert: it succeeded, and its report holds every rung, each with calls and no errors, and the memory figures
        var said = await stdout + await stderr;
        Assert.True(ladder.ExitCode == 0, $"the ladder exited with {ladder.ExitCode}:{Environment.NewLine}{said[^Math.Min(said.Length, 6000)..]}");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "ladder.json")));
        var rungs = report.RootElement.GetProperty("rungs").EnumerateArray()
            .ToDictionary(r => $"{r.GetProperty("rung").GetString()} {r.GetProperty("op").GetString()}");
        Assert.Equal(Rungs.Order(), rungs.Keys.Order());
        Assert.All(rungs.Values, r =>
        {
            Assert.Equal(0, r.GetProperty("errors").GetInt32());
            Assert.True(r.GetProperty("throughput").GetDouble() > 0);
        });
        Assert.Contains("| grains | DataSubject activations |", await File.ReadAllTextAsync(Path.Combine(output, "ladder.md")), StringComparison.Ordinal);
        Directory.Delete(output, recursive: true);
    }
}
