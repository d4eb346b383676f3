"""What the MPI test scripts share: finding mpirun, and the environment Open MPI needs to
run as root (CI) with more ranks than cores (--oversubscribe)."""
import os
import shutil

SKIP = 77  # CTest's SKIP_RETURN_CODE for these tests


def arguments(argv):
    """MSGSIM MPIRUN SOURCE_DIR from the command line, mpirun resolved (None: skip)."""
    msgsim, mpirun, source = argv[1:4]
    mpirun = find_mpirun(mpirun)
    if not mpirun:
        print("mpirun not found: skipped")
    return msgsim, mpirun, source


def find_mpirun(name):
    """The launcher CMake found, else mpirun on PATH, else None (the test is skipped)."""
    return shutil.which(name) or shutil.which("mpirun")


def mpi_env():
    return dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                OMPI_MCA_rmaps_base_oversubscribe="1")


def msgsim_lines(stderr):
    """stderr without what the MPI runtime says about the machine: hwloc cannot read the
    CPU topology in a container without /sys (a fresh-Debian chroot), which is not
    msgsim's output."""
    return "".join(l for l in stderr.splitlines(keepends=True) if not l.startswith("[hwloc"))
