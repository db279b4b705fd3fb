using System.Diagnostics.Metrics;

namespace Custodian.Silo.Storage;

/// <summary>
/// How many unwrapped data keys this silo's activations hold right now, exported as the gauge
/// <c>custodian.storage.data_keys_held</c>. It returns to zero as activations stop: keys live no
/// longer than their activation.
/// </summary>
public sealed class HeldDataKeys
{
    private long _count;

    public HeldDataKeys(IMeterFactory meters)
    {
        var meter = meters.Create("Custodian.Storage");
        meter.CreateObservableGauge("custodian.storage.data_keys_held", () => Count, description: "Unwrapped data keys held by activations");
    }

    /// <summary>Keys held now.</summary>
    public long Count => Interlocked.Read(ref _count);

    internal void Added() => Interlocked.Increment(ref _count);

    internal void Removed() => Interlocked.Decrement(ref _count);
}
