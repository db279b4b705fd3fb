using System.Diagnostics;
using System.Security.Cryptography;
using Custodian.Silo.Storage;

namespace Custodian.Benchmarks;

/// <summary>
/// The storage benchmark's crypto alone: AES-256-GCM sealing and opening of one payload on one thread, and
/// the share of a secure write's and read's cost (at peak, and of its median latency) that it accounts for.
/// </summary>
internal static class EnvelopeCryptoTiming
{
    private const int CryptoOps = 200_000;

    /// <summary>
    /// Times sealing and opening <paramref name="payload"/>, prints each against the <paramref name="path"/>'s
    /// peak throughput (ops/s) and median latency (ms) for writes and for reads, and returns both timings.
    /// </summary>
    public static (double SealMicroseconds, double OpenMicroseconds) Print(
        byte[] payload, string path, (double Peak, double P50Milliseconds) write, (double Peak, double P50Milliseconds) read)
    {
        var (seal, open) = TimeCrypto(payload);
        Console.WriteLine();
        Console.WriteLine($"Crypto alone (AES-256-GCM, {payload.Length} B, one thread, {CryptoOps:N0} iterations each), against the {path} path");
        PrintCryptoShare("write", "seal", seal, write.Peak, write.P50Milliseconds);
        PrintCryptoShare("read", "open", open, read.Peak, read.P50Milliseconds);
        return (seal, open);
    }

    /// <summary>µs per <see cref="EnvelopeCipher.Seal"/> and per <see cref="EnvelopeCipher.Open"/> of <paramref name="payload"/>, on one thread.</summary>
    public static (double SealMicroseconds, double OpenMicroseconds) TimeCrypto(byte[] payload)
    {
        var key = new DataKey("dek-bench", RandomNumberGenerator.GetBytes(DataKey.Size));
        const string ServiceId = "dev";
        const string GrainId = "securestatebench/123";
        var stamp = new EnvelopeStamp(1, 1, "eu-west");
        var envelope = EnvelopeCipher.Seal(payload, key, ServiceId, GrainId, "s", stamp);
        for (var i = 0; i < CryptoOps / 10; i++)
        {
            EnvelopeCipher.Open(EnvelopeCipher.Seal(payload, key, ServiceId, GrainId, "s", stamp), key, ServiceId, GrainId, "s");
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < CryptoOps; i++)
        {
            envelope = EnvelopeCipher.Seal(payload, key, ServiceId, GrainId, "s", stamp);
        }

        var seal = watch.Elapsed.TotalMicroseconds / CryptoOps;
        watch.Restart();
        for (var i = 0; i < CryptoOps; i++)
        {
            EnvelopeCipher.Open(envelope, key, ServiceId, GrainId, "s");
        }

        var open = watch.Elapsed.TotalMicroseconds / CryptoOps;
        key.Destroy();
        return (seal, open);
    }

    private static void PrintCryptoShare(string op, string cipherOp, double microseconds, double peakThroughput, double p50Milliseconds)
    {
        var budget = Environment.ProcessorCount * 1e6 / peakThroughput;
        Console.WriteLine(
            $"{cipherOp,-5} {microseconds,7:F2} µs per {op}: {100 * microseconds / budget:F2}% of the machine's CPU time per {op} at peak " +
            $"({Environment.ProcessorCount} cores / {peakThroughput:F0} ops/s = {budget:F0} µs), " +
            $"{100 * microseconds / (p50Milliseconds * 1000):F2}% of its p50 latency ({p50Milliseconds:F2} ms)");
    }
}
