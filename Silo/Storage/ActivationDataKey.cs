namespace Custodian.Silo.Storage;

/// <summary>
/// The unwrapped data key of one grain activation. It lives on the activation (a grain-context
/// component), so it exists for the activation's lifetime only and is zeroed when the activation
/// stops (<see cref="DataKeyCleanup"/>) or its grain is shredded.
/// </summary>
internal sealed class ActivationDataKey(HeldDataKeys held)
{
    public DataKey? Key { get; private set; }

    /// <summary>Whether this activation has made sure the pair region holds <see cref="Key"/> (or backlogged it).</summary>
    public bool InPair { get; set; }

    public void Hold(DataKey key)
    {
        if (ReferenceEquals(Key, key))
        {
            return;
        }

        InPair = false;
        if (Key is null)
        {
            held.Added();
        }

        Key?.Destroy();
        Key = key;
    }

    public void Destroy()
    {
        if (Key is not null)
        {
            Key.Destroy();
            Key = null;
            InPair = false;
            held.Removed();
        }
    }

    /// <summary>The holder of the activation now running, when it is <paramref name="grainId"/>'s.</summary>
    public static ActivationDataKey? Of(IGrainContextAccessor accessor, HeldDataKeys held, GrainId grainId)
    {
        var context = accessor.GrainContext;
        if (context is null || context.GrainId != grainId)
        {
            return null;
        }

        var holder = context.GetComponent<ActivationDataKey>();
        if (holder is null)
        {
            holder = new ActivationDataKey(held);
            context.SetComponent(holder);
        }

        return holder;
    }
}
