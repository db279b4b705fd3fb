using System.Text.Json;
using Custodian.Audit;
using Custodian.Gateway;
using Custodian.Silo;
using Custodian.Silo.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Custodian.Benchmarks;

/// <summary>
/// One process of the ladder's system under test (<c>ladder-host silo|gateway|echo &lt;settings.json&gt;</c>): the product's
/// silo or gateway, built as their <c>Program</c>s build them, with the rung's variant applied on top (last registration
/// wins), or the bare echo server. Each runs in a process of its own so that its CPU time is its own. It writes
/// <see cref="Ready"/> once it serves, and stops gracefully on SIGTERM, or by itself once the ladder's process is gone.
/// </summary>
internal static class LadderHost
{
    /// <summary>The line a host writes once it serves.</summary>
    public const string Ready = "ladder-host ready";

    /// <summary>The setting naming the <c>secure</c> storage's variant: one of <see cref="StorageVariant"/>'s names.</summary>
    public const string StorageSetting = "Ladder:Storage";

    /// <summary>The setting that, when <c>off</c>, replaces the audit trail of the silo and the gateway by one that drops records.</summary>
    public const string AuditSetting = "Ladder:Audit";

    /// <summary>The setting holding the echo server's port.</summary>
    public const string EchoPortSetting = "Ladder:EchoPort";

    /// <summary>The setting holding the folder of keys and certificates.</summary>
    public const string SecretsSetting = "Ladder:Secrets";

    /// <summary>The setting holding the ladder's process id: the host stops when that process is gone.</summary>
    public const string ParentSetting = "Ladder:Parent";

    /// <summary>What the <c>secure</c> grain storage is in a rung.</summary>
    public enum StorageVariant
    {
        /// <summary>Orleans' in-memory grain storage: no encryption, no table.</summary>
        Memory,

        /// <summary>The encrypting storage (data keys from this region's key table, cached) over the in-memory storage.</summary>
        EncryptedMemory,

        /// <summary>The encrypting storage over this region's table only: no replication.</summary>
        Single,

        /// <summary>The product's chain: Encrypted → Replicated → this region's and the pair's tables.</summary>
        Replicated,
    }

    public static async Task<int> RunAsync(string role, string settingsFile)
    {
        var settings = JsonSerializer.Deserialize<Dictionary<string, string?>>(File.ReadAllText(settingsFile))
            ?? throw new InvalidOperationException($"{settingsFile} holds no settings.");
        var app = role switch
        {
            "silo" => Silo(settings),
            "gateway" => Gateway(settings),
            "echo" => BenchCluster.BuildEcho(int.Parse(settings[EchoPortSetting]!), settings[SecretsSetting]!),
            _ => throw new ArgumentException($"Unknown ladder host role '{role}': silo, gateway or echo.", nameof(role)),
        };
        await app.StartAsync();
        Console.WriteLine(Ready);
        var parent = int.Parse(settings[ParentSetting]!);
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        while (!lifetime.ApplicationStopping.IsCancellationRequested && IsRunning(parent))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), lifetime.ApplicationStopping).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await app.StopAsync(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static WebApplication Silo(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCustodianSilo();
        var storage = Enum.Parse<StorageVariant>(settings[StorageSetting] ?? nameof(StorageVariant.Replicated));
        const string memory = "ladder-memory";
        switch (storage)
        {
            case StorageVariant.Memory:
                builder.UseOrleans(silo => silo.AddMemoryGrainStorage(memory));
                builder.Services.AddGrainStorage(SecureStorageOptions.ProviderName, (sp, _) => new Participating(sp.GetRequiredKeyedService<IGrainStorage>(memory)));
                break;
            case StorageVariant.EncryptedMemory:
                builder.UseOrleans(silo => silo.AddMemoryGrainStorage(memory));
                builder.Services.AddGrainStorage(SecureStorageOptions.ProviderName, (sp, _) =>
                    SecureStorageExtensions.Encrypted(sp, sp.GetRequiredKeyedService<IGrainStorage>(memory), Options(sp)));
                break;
            case StorageVariant.Single:
                builder.Services.AddGrainStorage(SecureStorageOptions.ProviderName, (sp, _) =>
                    SecureStorageExtensions.Encrypted(sp, sp.GetRequiredKeyedService<IGrainStorage>(SecureStorageExtensions.InnerName), Options(sp)));
                break;
        }

        DropAuditWhenOff(builder, settings);
        var app = builder.Build();
        app.MapCustodianAdmin();
        return app;

        static SecureStorageOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<SecureStorageOptions>>().Value;
    }

    private static WebApplication Gateway(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCustodianGateway();
        DropAuditWhenOff(builder, settings);
        var app = builder.Build();
        app.MapCustodianGateway();
        return app;
    }

    private static void DropAuditWhenOff(WebApplicationBuilder builder, IReadOnlyDictionary<string, string?> settings)
    {
        if (settings.GetValueOrDefault(AuditSetting) == "off")
        {
            builder.Services.AddSingleton<IAuditTrail, AuditBenchmark.NoAuditTrail>();
        }
    }

    /// <summary>
    /// A storage under the <c>secure</c> name that the product's registration of that name can take part in the silo's
    /// lifecycle with (the in-memory storage does not); it passes every call on.
    /// </summary>
    private sealed class Participating(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.WriteStateAsync(stateName, grainId, grainState);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

        public void Participate(ISiloLifecycle lifecycle)
        {
        }
    }
}
