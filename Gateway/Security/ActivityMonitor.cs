using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Custodian.Audit;
using Custodian.Gateway.Routing;
using Custodian.Security;

namespace Custodian.Gateway.Security;

/// <summary>
/// Counts, per principal, the decisions this gateway records (calls, denials, exports, app-role
/// calls, distinct subject hashes, source networks), and every evaluation period hands each
/// principal's counts to its PrincipalActivity grain of the gateway's region, which checks the security-report rules.
/// Outcome records (after a call) are not counted again.
/// </summary>
public sealed partial class ActivityMonitor(RegionRouter router, TimeProvider time, ILogger<ActivityMonitor> logger)
{
    private const int MaxSubjectsPerSample = 2048;
    private ConcurrentDictionary<string, Counts> _current = new();
    private DateTimeOffset _periodStart = time.GetUtcNow();

    /// <summary>Counts a record that the trail has taken.</summary>
    public void Observe(AuditRecord record)
    {
        var decision = record.Outcome == "allowed" || record.Outcome.StartsWith("denied", StringComparison.Ordinal);
        if (!decision || record.Actor.Length == 0 || record.Actor.StartsWith("custodian:", StringComparison.Ordinal))
        {
            return;
        }

        _current.GetOrAdd(record.Actor, _ => new Counts()).Add(record);
    }

    /// <summary>Sends what was counted since the last call to the principals' grains, which check the rules.</summary>
    public async Task ReportAsync()
    {
        var counted = Interlocked.Exchange(ref _current, new ConcurrentDictionary<string, Counts>());
        var (start, end) = (_periodStart, time.GetUtcNow());
        _periodStart = end;
        await Task.WhenAll(counted.Select(async pair =>
        {
            try
            {
                await router.Region().GetGrain<IPrincipalActivityGrain>(IPrincipalActivityGrain.Key(router.OwnRegion, pair.Key)).ReportAsync(pair.Value.ToSample(start, end));
            }
            catch (Exception e)
            {
                LogReportFailed(logger, e, pair.Key);
            }
        }));
    }

    /// <summary>The network an address belongs to for the new-network rule: its /24 (IPv4) or /48 (IPv6).</summary>
    private static string NetworkOf(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return "unknown";
        }

        ip = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        var prefix = ip.AddressFamily == AddressFamily.InterNetwork ? 24 : 48;
        return $"{Masked(ip, prefix)}/{prefix}";
    }

    private static IPAddress Masked(IPAddress ip, int prefix)
    {
        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    [LoggerMessage(8101, LogLevel.Warning, "The activity of {Principal} could not be reported this period; its counts are dropped")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string principal);

    private sealed class Counts
    {
        private readonly Lock _gate = new();
        private readonly HashSet<string> _subjects = [];
        private readonly HashSet<string> _networks = [];
        private int _calls;
        private int _denied;
        private int _exports;
        private int _appCalls;

        public void Add(AuditRecord record)
        {
            lock (_gate)
            {
                _calls++;
                _denied += record.Outcome.StartsWith("denied", StringComparison.Ordinal) ? 1 : 0;
                _exports += record.Action.StartsWith("Export:", StringComparison.Ordinal) ? 1 : 0;
                _appCalls += record.GrantId == "role:app" ? 1 : 0;
                if (record.Target.StartsWith("subject:", StringComparison.Ordinal) && _subjects.Count < MaxSubjectsPerSample)
                {
                    _subjects.Add(record.Target);
                }

                _networks.Add(NetworkOf(record.SourceIp));
            }
        }

        public ActivitySample ToSample(DateTimeOffset start, DateTimeOffset end)
        {
            lock (_gate)
            {
                return new ActivitySample(start, end, _calls, _denied, _exports, _appCalls, [.. _subjects], [.. _networks]);
            }
        }
    }
}
