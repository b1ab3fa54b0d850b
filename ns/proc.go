package ns

import (
	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/internal/order"
	"github.com/nsnet/nsnet/internal/sysfile"

	"golang.org/x/sys/unix"
)

// idOf is the identity of the namespace a path leads to (following the
// bind mount or the /proc magic link).
func idOf(path string) (ID, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return ID{}, err
	}
	return ID{Dev: uint64(st.Dev), Ino: st.Ino}, nil
}

// Identify returns the names in dir of process pid's network namespace:
// `ip netns identify PID`.
func Identify(dir string, pid int) ([]string, error) {
	id, err := idOf(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return nil, fmt.Errorf("identify namespace of pid %d: %w", pid, err)
	}
	names, err := List(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if nid, err := idOf(sysfile.Join(dir, n)); err == nil && nid == id {
			out = append(out, n)
		}
	}
	return out, nil
}

// PIDs returns the processes in the namespace named name: `ip netns pids`.
func PIDs(dir, name string) ([]int, error) {
	h, err := Open(dir, name)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	id, err := h.ID()
	if err != nil {
		return nil, err
	}
	all, err := processes()
	if err != nil {
		return nil, err
	}
	return all[id], nil
}

// processes maps every network namespace in use by a process to its pids,
// sorted. Processes that vanish or hide their namespace are skipped.
func processes() (map[ID][]int, error) {
	entries, err := sysfile.ReadDirNames("/proc")
	if err != nil {
		return nil, fmt.Errorf("scan /proc: %w", err)
	}
	m := map[ID][]int{}
	for _, e := range entries {
		pid, ok := num.Uint(e, 10, 31)
		if !ok {
			continue
		}
		if id, err := idOf("/proc/" + e + "/ns/net"); err == nil {
			m[id] = append(m[id], int(pid))
		}
	}
	for _, pids := range m {
		order.Sort(pids)
	}
	return m, nil
}

// Namespace is one network namespace on the system, as `lsns -t net`
// shows it, plus the files that name it.
type Namespace struct {
	ID    ID
	PIDs  []int    // processes inside, sorted
	Files []string // bind-mounted names: the netns dir, /run/docker/netns
}

// otherDirs are where other tools keep named namespaces.
var otherDirs = [...]string{"/run/docker/netns"}

// ListAll returns every network namespace that a process uses or a file in
// dir (or Docker's directory) names, ordered by inode.
func ListAll(dir string) ([]Namespace, error) {
	procs, err := processes()
	if err != nil {
		return nil, err
	}
	byID := map[ID]*Namespace{}
	for id, pids := range procs {
		byID[id] = &Namespace{ID: id, PIDs: pids}
	}
	for _, d := range append([]string{dir}, otherDirs[:]...) {
		names, _ := List(d)
		for _, n := range names {
			p := sysfile.Join(d, n)
			if id, err := idOf(p); err == nil && isNsfs(p) {
				if byID[id] == nil {
					byID[id] = &Namespace{ID: id}
				}
				byID[id].Files = append(byID[id].Files, p)
			}
		}
	}
	// In inode order (namespaces share the one nsfs device), sorted as
	// ints, as the pids are: each element type sorted is more binary.
	inos := make([]int, 0, len(byID))
	byIno := map[int]*Namespace{}
	for id, n := range byID {
		inos = append(inos, int(id.Ino))
		byIno[int(id.Ino)] = n
	}
	order.Sort(inos)
	out := make([]Namespace, 0, len(inos))
	for _, ino := range inos {
		out = append(out, *byIno[ino])
	}
	return out, nil
}

// isNsfs reports whether path leads to a namespace (a name whose bind
// mount is gone is an empty file on the directory's own file system).
func isNsfs(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Type == unix.NSFS_MAGIC
}
