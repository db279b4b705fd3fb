using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// A minimal OTLP/HTTP receiver on 127.0.0.1: accepts <c>POST /v1/metrics</c>, <c>/v1/traces</c> and
/// <c>/v1/logs</c>, answers with an empty (valid) export response and keeps every non-empty protobuf
/// body. Strings (metric and span names, attribute keys and values, service names) are stored in
/// protobuf as UTF-8, so a body can be searched for them as bytes. It is an <see cref="HttpListener"/>,
/// not Kestrel, so receiving telemetry creates no ASP.NET Core spans to export again.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _bodies = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        Port = FreePorts.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public int Port { get; }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The bodies received on <paramref name="path"/> (e.g. <c>/v1/metrics</c>) so far.</summary>
    public IReadOnlyList<byte[]> Bodies(string path) => [.. _bodies.Where(b => b.Path == path).Select(b => b.Body)];

    /// <summary>Whether any body received on <paramref name="path"/> contains <paramref name="text"/> (UTF-8).</summary>
    public bool Received(string path, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return Bodies(path).Any(b => b.AsSpan().IndexOf(needle) >= 0);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the loop ends with the listener
        }
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var response = context.Response;
            var path = context.Request.Url?.AbsolutePath ?? "";
            if (context.Request.HttpMethod != "POST" || path is not ("/v1/metrics" or "/v1/traces" or "/v1/logs"))
            {
                response.StatusCode = (int)HttpStatusCode.NotFound;
                continue;
            }

            var body = new MemoryStream();
            var input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                : context.Request.InputStream;
            await input.CopyToAsync(body);
            if (body.Length > 0)
            {
                _bodies.Enqueue((path, body.ToArray()));
            }

            response.StatusCode = (int)HttpStatusCode.OK;
            response.ContentType = "application/x-protobuf";
            response.ContentLength64 = 0;
        }
    }
}
