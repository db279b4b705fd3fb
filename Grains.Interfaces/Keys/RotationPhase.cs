namespace Custodian.Keys;

/// <summary>Where a key-encryption-key rotation stands.</summary>
[GenerateSerializer, Alias("Custodian.Keys.RotationPhase")]
public enum RotationPhase
{
    /// <summary>No rotation was ever started in this region.</summary>
    Idle = 0,

    /// <summary>Data keys are being rewrapped to the new version.</summary>
    Rewrapping = 1,

    /// <summary>Every data key is wrapped by the new version and unused versions were retired.</summary>
    Completed = 2,
}
