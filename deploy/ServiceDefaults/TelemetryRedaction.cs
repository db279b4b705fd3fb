using System.Diagnostics;
using OpenTelemetry;

namespace Custodian.Hosting;

/// <summary>
/// Takes out of every span what could name a data subject before it is exported: grain ids (a
/// subject's grain key holds its id), URL queries, the keys in storage request paths, and exception
/// messages and stack traces (which quote grain ids and URLs). What remains: span names (gRPC and
/// grain method names), status codes, grain and interface types, hosts and ports.
/// </summary>
public sealed class TelemetryRedaction : BaseProcessor<Activity>
{
    private static readonly string[] _removedTags =
    [
        "orleans.grain.id",
        "orleans.rpc.target_id",
        "orleans.rpc.source_id",
        "orleans.directory.registered.address",
        "orleans.rehydrate.previousRegistration",
        "orleans.durable_job.target_grain_id",
        "orleans.journal.id",
        "exception.message",
        "exception.stacktrace",
        "url.query",
    ];

    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        foreach (var key in _removedTags)
        {
            if (data.GetTagItem(key) is not null)
            {
                data.SetTag(key, null);
            }
        }

        if (data.GetTagItem("url.full") is string url)
        {
            data.SetTag("url.full", WithoutKeys(url));
        }

        if (data.StatusDescription is not null)
        {
            data.SetStatus(data.Status);
        }
    }

    /// <summary>
    /// The URL without query and with at most two path segments, each cut at <c>(</c>: a storage request
    /// keeps its account and table or container (<c>/devstoreaccount1/CustodianState</c>) and loses the
    /// partition and row keys or blob name after them.
    /// </summary>
    public static string WithoutKeys(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "";
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Take(2)
            .Select(s => s.Split('(')[0]);
        return $"{uri.Scheme}://{uri.Authority}/{string.Join('/', segments)}";
    }
}
