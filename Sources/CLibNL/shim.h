/* CLibNL: Debian's libnl-route-3 (libnl-route-3-dev), linked statically into
 * the shipped nsrun. Only the route objects nsrun uses: links (and veth),
 * addresses, routes. pkg-config adds -I/usr/include/libnl3. */
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <netlink/msg.h>
#include <netlink/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>
