using System.Diagnostics.CodeAnalysis;
using Orleans.Metadata;

namespace Custodian.Silo.Storage;

/// <summary>
/// Zeroes an activation's data key when the activation stops, for every grain type but stateless
/// workers (their pooled contexts have no lifecycle to observe, and they keep no persistent state).
/// </summary>
internal sealed class DataKeyCleanup : IConfigureGrainContextProvider, IConfigureGrainContext
{
    public bool TryGetConfigurator(GrainType grainType, GrainProperties properties, [NotNullWhen(true)] out IConfigureGrainContext? configurator)
    {
        var statelessWorker = properties.Properties.TryGetValue(WellKnownGrainTypeProperties.PlacementStrategy, out var placement)
            && placement == "StatelessWorkerPlacement";
        configurator = statelessWorker ? null : this;
        return !statelessWorker;
    }

    public void Configure(IGrainContext context) =>
        context.ObservableLifecycle.Subscribe(
            nameof(DataKeyCleanup),
            GrainLifecycleStage.First,
            _ => Task.CompletedTask,
            _ =>
            {
                context.GetComponent<ActivationDataKey>()?.Destroy();
                return Task.CompletedTask;
            });
}
