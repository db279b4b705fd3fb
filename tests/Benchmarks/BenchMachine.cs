using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Custodian.Tests.Infrastructure;

namespace Custodian.Benchmarks;

/// <summary>What the benchmarks report about the machine they ran on: its processor, its load, Azurite's and node's versions.</summary>
internal static class BenchMachine
{
    /// <summary>The version of the repository's Azurite (node_modules).</summary>
    public static string AzuriteVersion()
    {
        var manifest = Path.Combine(RepositoryRoot.Path, "node_modules", "azurite", "package.json");
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        return json.RootElement.GetProperty("version").GetString() ?? "?";
    }

    /// <summary>The version of node on the PATH, or <c>?</c>.</summary>
    public static string NodeVersion()
    {
        using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
        if (node is null)
        {
            return "?";
        }

        var version = node.StandardOutput.ReadToEnd().Trim();
        node.WaitForExit();
        return version;
    }

    /// <summary>The 1, 5 and 15 minute load averages, or <c>n/a</c> where the system does not tell.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The processor's model name, or its architecture where the system does not tell.</summary>
    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : RuntimeInformation.ProcessArchitecture.ToString();
}
