using Microsoft.Extensions.Logging;

namespace Custodian.Audit;

/// <summary>Log events of the trail's integrity checks, in the grains and the silo's store. Partitions, sequences and regions only.</summary>
public static partial class AuditLog
{
    [LoggerMessage(7301, LogLevel.Error, "Audit partition {Partition}: its stored head is refused, the partition takes no appends: {Problem}")]
    public static partial void HeadRefused(ILogger logger, string partition, string problem);

    [LoggerMessage(7302, LogLevel.Warning, "Audit partition {Partition}: no checkpoint written to the pair region ({Error}); the next period tries again")]
    public static partial void CheckpointNotWritten(ILogger logger, string partition, string error);

    [LoggerMessage(7303, LogLevel.Error, "Audit partition {Partition}: the pair region holds a checkpoint at {CheckpointSequence}, beyond this head at {Sequence}; it is kept")]
    public static partial void CheckpointAhead(ILogger logger, string partition, long checkpointSequence, long sequence);

    [LoggerMessage(7304, LogLevel.Error, "Audit trail integrity, partition {Partition}: {Finding}")]
    public static partial void IntegrityFinding(ILogger logger, string partition, string finding);

    [LoggerMessage(7305, LogLevel.Warning, "Audit partition {Partition}: its head carried no MAC; accepted (Audit:AcceptUnauthenticatedHeads) and authenticated")]
    public static partial void HeadAuthenticated(ILogger logger, string partition);

    [LoggerMessage(7306, LogLevel.Warning, "Audit partition {Partition}: the pair region {Pair} did not answer ({Error}); the head is taken without comparing it")]
    public static partial void PairHeadUnread(ILogger logger, string partition, string pair, string error);

}
